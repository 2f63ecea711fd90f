"""Reading a policy file: TOML with `version = 1`; any problem is a PolicyError."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


class PolicyError(Exception):
    """A policy file is missing, malformed or names something Casebook does not know."""


def read_policy(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PolicyError(f"{path}: {error}") from error
    if document.get("version") != 1:
        raise PolicyError(f"{path}: expected version = 1")
    return document
