"""A thin client for Casebook's JSON API: bearer token in, JSON or an ApiError out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import httpx

EXPIRED = "Your token is missing or expired: run `casebook login`."


class ApiError(Exception):
    """The server refused a request (detail plus `field: message` pairs), or could not be
    reached at all (status None)."""

    def __init__(
        self,
        detail: str,
        errors: list[tuple[str, str]] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.status = status


class Api:
    def __init__(self, server: str, token: str | None = None, *, timeout: float = 60.0) -> None:
        self.server = server
        self._authenticated = token is not None
        headers = {"Accept": "application/json", "User-Agent": "casebook-cli"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=server, headers=headers, timeout=timeout, follow_redirects=False
        )

    def __enter__(self) -> Api:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._client.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._send("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._send("POST", path, json=body)

    def post_for_file(self, path: str, body: dict[str, Any], *, timeout: float = 600.0) -> bytes:
        """POST `body` and return the response body as it came (a report file)."""
        with self._reaching():
            response = self._client.request("POST", path, json=body, timeout=timeout)
        self._check(response)
        return response.content

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self._send("PUT", path, json=body)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self._send("PATCH", path, json=body)

    def delete(self, path: str) -> Any:
        return self._send("DELETE", path)

    def put_stream(self, path: str, body: Iterable[bytes], size: int) -> None:
        """PUT `size` bytes of `body` as they are produced, never holding them all."""
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
        self._send("PUT", path, content=body, headers=headers)

    @contextmanager
    def download(self, path: str) -> Iterator[tuple[int, Iterator[bytes]]]:
        """The body of GET `path` as it arrives: its announced length and its blocks."""
        with self._reaching(), self._client.stream("GET", path) as response:
            if response.is_error or response.is_redirect:
                response.read()
            self._check(response)
            yield int(response.headers.get("content-length", 0)), response.iter_bytes()

    def _send(self, method: str, path: str, **options: Any) -> Any:
        with self._reaching():
            response = self._client.request(method, path, **options)
        self._check(response)
        return response.json() if response.content else None

    @contextmanager
    def _reaching(self) -> Iterator[None]:
        """Failures to reach the server, as ApiError."""
        try:
            yield
        except httpx.ConnectError as error:
            raise ApiError(
                f"Could not connect to the Casebook server at {self.server}: is it running, "
                "and is the address right?"
            ) from error
        except httpx.TimeoutException as error:
            raise ApiError(
                f"The Casebook server at {self.server} did not answer in time."
            ) from error
        except httpx.HTTPError as error:
            raise ApiError(
                f"Talking to the Casebook server at {self.server} failed: {error}"
            ) from error

    def _check(self, response: httpx.Response) -> None:
        if response.status_code == 401 and self._authenticated:
            raise ApiError(EXPIRED, status=401)
        if response.is_redirect:
            raise ApiError(
                f"The server redirects to {response.headers.get('location', '?')}: log in "
                "again with that address as --server.",
                status=response.status_code,
            )
        if response.is_error:
            raise _error(response)


def _error(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return ApiError(
            f"The server answered {response.status_code} {response.reason_phrase}.",
            status=response.status_code,
        )
    errors = [
        (str(item.get("field", "")), str(item.get("message", "")))
        for item in body.get("errors") or []
        if isinstance(item, dict)
    ]
    detail = str(body.get("detail") or f"The server answered {response.status_code}.")
    return ApiError(detail, errors, response.status_code)
