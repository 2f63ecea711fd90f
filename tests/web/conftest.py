"""Pages seen through the test client with a browser session: the session cookie and the
CSRF token the pages' forms carry."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import PASSWORD, Account

PAGE = {"Accept": "text/html"}


async def log_in(client: AsyncTestClient[Litestar], account: Account) -> str:
    """Open a browser session for `account` (one without keys logs in with its password) and
    return the session's CSRF token."""
    response = await client.post(
        "/api/v1/auth/session", json={"email": account.user.email, "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    token: str = response.json()["csrf_token"]
    return token


def form(csrf_token: str, **fields: Any) -> dict[str, Any]:
    return {"csrf_token": csrf_token, **fields}


@pytest.fixture
def page_headers() -> dict[str, str]:
    return dict(PAGE)
