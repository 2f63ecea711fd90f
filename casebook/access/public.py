"""The short list of routes anyone may call without logging in. Every other route must
declare a permission (`opt={"permission": ...}`) or the guard refuses it."""

PUBLIC_PATHS = frozenset(
    {
        "/healthz",
        "/api/v1/auth/session",
        "/api/v1/auth/tokens",
        "/api/v1/auth/kdf-params",
        "/api/v1/auth/recovery-tokens",
        "/api/v1/invitations/accept",
        "/login",
        "/incidents/{incident_id}/evidence",
        "/schema",
        "/schema/openapi.json",
        "/static/css/{stylesheet_name}",
        "/static/js/crypto/{module}",
        "/static/js/{script}",
        "/static/vendor/libsodium-sumo.js",
        "/static/vendor/libsodium-wrappers-sumo.js",
    }
)
