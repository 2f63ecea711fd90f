"""Rules about which parts of Casebook may depend on which."""

from __future__ import annotations

import ast
from pathlib import Path

import casebook

PACKAGE = Path(casebook.__file__).parent
CLIENT_SIDE = {"crypto", "cli"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def server_modules() -> list[Path]:
    return [
        path
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in CLIENT_SIDE
    ]


def test_no_server_module_imports_the_client_side_cryptography() -> None:
    """The server never holds a key that opens evidence, so no server code may even reach
    the functions that use one."""
    offenders = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in server_modules()
        for name in imported_modules(path)
        if name == "casebook.crypto" or name.startswith(("casebook.crypto.", "casebook.cli"))
    ]
    assert not offenders, "\n".join(offenders)


def test_the_scan_sees_the_server_modules() -> None:
    names = {path.relative_to(PACKAGE).as_posix() for path in server_modules()}
    assert {"app.py", "incidents/service.py", "accounts/credentials.py"} <= names
    assert not any(name.startswith(("crypto/", "cli/")) for name in names)
