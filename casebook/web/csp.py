"""The Content-Security-Policy sent with every response: scripts, styles, images, fonts and
connections from this origin only, WebAssembly allowed (libsodium runs as WebAssembly, which
Chromium compiles only under 'wasm-unsafe-eval'), no inline script, no plugins, no framing."""

from __future__ import annotations

from litestar.datastructures import ResponseHeader

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

CSP_HEADER = ResponseHeader(name="Content-Security-Policy", value=CONTENT_SECURITY_POLICY)
