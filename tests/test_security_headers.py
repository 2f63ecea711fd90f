"""Every answer carries the security headers: pages, static files, the JSON API, refusals and
errors alike."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import World

EXPECTED = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/static/js/crypto/encoding.js", 200),
        ("/healthz", 200),
        ("/api/v1/incidents", 401),
        ("/api/v1/no-such-thing", 404),
    ],
)
async def test_anonymous_answers_carry_the_headers(
    client: AsyncTestClient[Litestar], path: str, status: int
) -> None:
    response = await client.get(path)
    assert response.status_code == status
    assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED


async def test_an_api_answer_and_a_validation_error_carry_the_headers(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    organizer = await world.account("organizer", groups={await world.group(): "member"})
    listed = await client.get("/api/v1/incidents", headers=organizer.headers)
    refused = await client.post("/api/v1/people", json={"alias": 7}, headers=organizer.headers)
    assert (listed.status_code, refused.status_code) == (200, 400)
    for response in (listed, refused):
        assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED
