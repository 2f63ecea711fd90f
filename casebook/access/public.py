"""The short list of routes anyone may call without logging in. Every other route must
declare a permission (`opt={"permission": ...}`) or the guard refuses it."""

PUBLIC_PATHS = frozenset(
    {
        "/healthz",
        "/api/v1/auth/session",
        "/api/v1/auth/tokens",
        "/api/v1/auth/kdf-params",
        "/api/v1/invitations/accept",
        "/",
        "/schema",
        "/schema/openapi.json",
    }
)
