"""The security headers sent with every response.

Content-Security-Policy: scripts, styles, images, fonts and connections from this origin only,
WebAssembly allowed (libsodium runs as WebAssembly, which Chromium compiles only under
'wasm-unsafe-eval'), no inline script, no plugins, no framing. The others: HTTPS only for two
years once a browser has seen the site over HTTPS (HSTS), no MIME sniffing, and no Referer sent
anywhere, since Casebook's URLs name incidents and people's records."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A before-send hook: it sees every response the app sends, including the ones its
    exception handlers and router make (a page not found, a refused request)."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message=message)
        for name, value in SECURITY_HEADERS.items():
            headers[name] = value
