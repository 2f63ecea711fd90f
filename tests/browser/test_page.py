"""The page the browser client runs on: the app's Content-Security-Policy lets libsodium's
WebAssembly run and nothing else in, and the scripts come from this server only."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, Page, Route

from casebook.web.assets import LIBSODIUM, LIBSODIUM_WRAPPERS
from casebook.web.security_headers import CONTENT_SECURITY_POLICY
from tests.browser.conftest import open_crypto_page


def test_the_policy_allows_webassembly_and_this_origin_only(server: str) -> None:
    policy = httpx.get(f"{server}/").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_libsodium_runs_as_webassembly_without_violations(page: Page) -> None:
    page.evaluate(
        "cb.kdf.derivePasswordKey('a password', cb.kdf.paramsFromServer({"
        "alg: 'argon2id13', opslimit: 3, memlimit: 268435456,"
        " salt: cb.encoding.b64encode(new Uint8Array(16))}))"
    )
    assert page.evaluate("window.cspViolations") == []
    assert page.evaluate("typeof sodium.crypto_pwhash") == "function"


def test_without_wasm_unsafe_eval_libsodium_does_not_load(browser: Browser, server: str) -> None:
    """Why the policy carries 'wasm-unsafe-eval': without it Chromium refuses to compile
    libsodium's WebAssembly and the library never becomes ready (no silent fallback)."""
    page = browser.new_page()
    strict = CONTENT_SECURITY_POLICY.replace(" 'wasm-unsafe-eval'", "")

    def serve_with_strict_policy(route: Route) -> None:
        response = route.fetch()
        route.fulfill(
            response=response,
            headers={**response.headers, "content-security-policy": strict},
        )

    try:
        page.route(f"{server}/", serve_with_strict_policy)
        page.goto(f"{server}/")
        page.add_script_tag(url="/static/vendor/libsodium-sumo.js")
        page.add_script_tag(url="/static/vendor/libsodium-wrappers-sumo.js")
        ready = page.evaluate(
            """async () => {
                try {
                    await sodium.ready;
                    return true;
                } catch {
                    return false;
                }
            }"""
        )
        assert ready is False
    finally:
        page.close()


def test_inline_script_is_blocked(browser: Browser, server: str) -> None:
    page = open_crypto_page(browser, server)
    try:
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.inlineRan = true";
                document.body.append(script);
            }"""
        )
        assert page.evaluate("window.inlineRan") is None
        assert any(v.startswith("script-src") for v in page.evaluate("window.cspViolations"))
    finally:
        page.close()


def test_the_served_libsodium_is_the_installed_one(server: str) -> None:
    for name, path in [
        ("libsodium-sumo.js", LIBSODIUM),
        ("libsodium-wrappers-sumo.js", LIBSODIUM_WRAPPERS),
    ]:
        response = httpx.get(f"{server}/static/vendor/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/javascript")
        assert response.content == path.read_bytes()


def test_only_crypto_modules_are_served(server: str) -> None:
    assert httpx.get(f"{server}/static/js/crypto/attachment.js").status_code == 200
    for name in ["missing.js", "..%2F..%2Fassets.py", "%2E%2E"]:
        assert httpx.get(f"{server}/static/js/crypto/{name}").status_code == 404
