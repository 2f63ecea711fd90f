"""Where and how the client keeps its API token."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from casebook.cli import credentials
from casebook.cli.credentials import Credentials

STORED = Credentials(
    server="https://casebook.example.org",
    email="rosa@example.org",
    token_id="6a0c5a53-0b8c-4b0e-9a43-8c7f3c2f8d11",
    expires_at="2030-01-01T00:00:00Z",
    token="cbt_secret",
)


def test_the_file_is_private_even_with_a_permissive_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "casebook").mkdir(mode=0o755)
    previous = os.umask(0)
    try:
        path = credentials.save(STORED)
    finally:
        os.umask(previous)
    assert path == tmp_path / "casebook" / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert credentials.load() == STORED
    assert "cbt_secret" not in repr(STORED)
    assert sorted(p.name for p in path.parent.iterdir()) == ["credentials.json"]


def test_without_xdg_config_home_the_file_is_under_dot_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    assert credentials.credentials_path() == tmp_path / ".config" / "casebook" / "credentials.json"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")
    assert credentials.credentials_path() == tmp_path / ".config" / "casebook" / "credentials.json"


def test_a_damaged_file_asks_to_log_in_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    with pytest.raises(credentials.NotLoggedIn, match="not logged in"):
        credentials.load()
    (tmp_path / "casebook").mkdir()
    (tmp_path / "casebook" / "credentials.json").write_text("{")
    with pytest.raises(credentials.NotLoggedIn, match="damaged"):
        credentials.load()
