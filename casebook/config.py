"""Settings: the only module that reads the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

ENVIRONMENT_VARIABLES: Mapping[str, str] = {
    "CASEBOOK_DATA_DIR": "Directory holding the SQLite database, blobs and the server secret "
    "(default: ./data).",
    "CASEBOOK_DATABASE_URL": "SQLAlchemy URL; default SQLite in the data directory. PostgreSQL: "
    "postgresql+asyncpg://user:password@host:5432/casebook",
    "CASEBOOK_HOST": "Address `casebook serve` listens on (default 127.0.0.1).",
    "CASEBOOK_PORT": "Port `casebook serve` listens on (default 8000).",
    "CASEBOOK_POLICY_DIR": "Directory of the policy TOML files (default: policies/ in the "
    "source tree).",
    "CASEBOOK_SECRET_KEY": "64 hex characters; server secret for CSRF tokens. Default: generated "
    "once into the data directory.",
    "CASEBOOK_LOG_LEVEL": "Python logging level (default INFO).",
    "CASEBOOK_FORWARDED_ALLOW_IPS": "Comma-separated addresses of reverse proxies whose "
    "X-Forwarded-For and X-Forwarded-Proto headers are trusted (default 127.0.0.1). Login "
    "throttling counts failures per client address, so set this to the proxy's address.",
    "CASEBOOK_BLOB_STORE": "Where encrypted evidence blobs are kept: `local` (default; files in "
    "blobs/ under the data directory) or `s3` (an S3-compatible object store).",
    "CASEBOOK_S3_BUCKET": "Bucket for evidence blobs; required when CASEBOOK_BLOB_STORE is s3. "
    "Credentials come from the S3 client library's own chain (AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/credentials, instance roles), not from Casebook.",
    "CASEBOOK_S3_ENDPOINT_URL": "URL of an S3-compatible server such as MinIO, e.g. "
    "https://minio.example.org:9000 (default: Amazon S3).",
    "CASEBOOK_S3_REGION": "Region of the bucket (default: the S3 client library's own setting, "
    "AWS_DEFAULT_REGION or ~/.aws/config).",
    "CASEBOOK_MAX_ATTACHMENT_BYTES": "Largest encrypted attachment a client may upload, in bytes "
    "(default 8589934592, 8 GiB). Uploads stream to the blob store, so this bounds disk use, "
    "not memory.",
}

BLOB_STORES = ("local", "s3")
DEFAULT_MAX_ATTACHMENT_BYTES = 8 * 1024**3


class ConfigError(Exception):
    """The environment describes an unusable configuration."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8000
    policy_dir: Path = REPO_ROOT / "policies"
    secret_key_hex: str | None = field(default=None, repr=False)
    log_level: str = "INFO"
    forwarded_allow_ips: str = "127.0.0.1"
    blob_store: str = "local"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES

    def __post_init__(self) -> None:
        if self.blob_store not in BLOB_STORES:
            raise ConfigError(
                f"CASEBOOK_BLOB_STORE must be one of {', '.join(BLOB_STORES)}, "
                f"not {self.blob_store!r}"
            )
        if self.blob_store == "s3" and not self.s3_bucket:
            raise ConfigError("CASEBOOK_BLOB_STORE=s3 needs CASEBOOK_S3_BUCKET")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        unknown = sorted(
            name
            for name in env
            if name.startswith("CASEBOOK_")
            and name not in ENVIRONMENT_VARIABLES
            and not name.startswith("CASEBOOK_TEST_")
        )
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
        data_dir = Path(env.get("CASEBOOK_DATA_DIR", "data")).resolve()
        return cls(
            data_dir=data_dir,
            database_url=env.get("CASEBOOK_DATABASE_URL")
            or f"sqlite+aiosqlite:///{data_dir / 'casebook.sqlite3'}",
            host=env.get("CASEBOOK_HOST", "127.0.0.1"),
            port=_port(env.get("CASEBOOK_PORT", "8000")),
            policy_dir=Path(env.get("CASEBOOK_POLICY_DIR", REPO_ROOT / "policies")).resolve(),
            secret_key_hex=env.get("CASEBOOK_SECRET_KEY"),
            log_level=env.get("CASEBOOK_LOG_LEVEL", "INFO").upper(),
            forwarded_allow_ips=env.get("CASEBOOK_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            blob_store=env.get("CASEBOOK_BLOB_STORE", "local").strip().lower(),
            s3_bucket=env.get("CASEBOOK_S3_BUCKET") or None,
            s3_endpoint_url=env.get("CASEBOOK_S3_ENDPOINT_URL") or None,
            s3_region=env.get("CASEBOOK_S3_REGION") or None,
            max_attachment_bytes=_positive_bytes(
                env.get("CASEBOOK_MAX_ATTACHMENT_BYTES", str(DEFAULT_MAX_ATTACHMENT_BYTES))
            ),
        )

    @property
    def blob_dir(self) -> Path:
        """Where the local blob store keeps evidence files."""
        return self.data_dir / "blobs"

    def secret_key(self) -> bytes:
        """The server secret, from the environment or generated once into the data directory."""
        if self.secret_key_hex is not None:
            return _parse_secret(self.secret_key_hex, "CASEBOOK_SECRET_KEY")
        path = self.data_dir / "server-secret.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(os.urandom(32).hex())
        return _parse_secret(path.read_text().strip(), str(path))


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"CASEBOOK_PORT must be a port number, not {value!r}")
    return int(value)


def _positive_bytes(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(
            f"CASEBOOK_MAX_ATTACHMENT_BYTES must be a positive number of bytes, not {value!r}"
        )
    return int(value)


def _parse_secret(value: str, source: str) -> bytes:
    try:
        secret = bytes.fromhex(value)
    except ValueError:
        secret = b""
    if len(secret) != 32:
        raise ConfigError(f"{source} must hold 64 hex characters")
    return secret
