"""The API token the command line client keeps between commands.

One JSON file, `$XDG_CONFIG_HOME/casebook/credentials.json` (or `~/.config/casebook/...`),
readable by its owner only (file mode 600 in a directory of mode 700)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path


class NotLoggedIn(Exception):
    """No usable stored credentials."""


@dataclass(frozen=True)
class Credentials:
    server: str
    email: str
    token_id: str
    expires_at: str
    token: str = field(repr=False)


def config_dir() -> Path:
    """The XDG configuration directory for Casebook (a relative XDG_CONFIG_HOME is ignored,
    as the XDG specification asks)."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "casebook"


def credentials_path() -> Path:
    return config_dir() / "credentials.json"


def load() -> Credentials:
    path = credentials_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Credentials(**{name: str(data[name]) for name in Credentials.__dataclass_fields__})
    except FileNotFoundError:
        raise NotLoggedIn(
            "You are not logged in: run `casebook login --server URL --email EMAIL`."
        ) from None
    except (ValueError, TypeError, KeyError) as error:
        raise NotLoggedIn(
            f"{path} is damaged: run `casebook login --server URL --email EMAIL` again."
        ) from error


def save(credentials: Credentials) -> Path:
    """Write the credentials atomically; only the owner may read the file or list its
    directory."""
    path = credentials_path()
    write_private(path, asdict(credentials))
    return path


def write_private(path: Path, data: object) -> None:
    """Write `data` as JSON to `path` in the configuration directory, atomically (a reader
    sees the old file or the new one), mode 600 in a directory of mode 700."""
    directory = config_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    temporary = directory / f".{path.stem}.{os.getpid()}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def remove() -> None:
    credentials_path().unlink(missing_ok=True)
