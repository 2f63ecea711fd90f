"""Client-side cryptography for evidence: used by the CLI, mirrored byte for byte by the browser
module. No server module imports this package: the server never holds a key that opens
evidence. The formats are specified in docs/crypto/."""
