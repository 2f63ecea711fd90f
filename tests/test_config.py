"""Settings come from the environment once, and every one of them is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook.config import ENVIRONMENT_VARIABLES, REPO_ROOT, ConfigError, Settings


@pytest.mark.parametrize("document", ["README.md", "docs/configuration.md"])
def test_every_setting_is_documented(document: str) -> None:
    text = (REPO_ROOT / document).read_text()
    missing = [name for name in ENVIRONMENT_VARIABLES if f"`{name}`" not in text]
    assert not missing, f"{document} does not document {missing}"


def test_defaults_put_everything_under_the_data_directory(tmp_path: Path) -> None:
    settings = Settings.from_env({"CASEBOOK_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'casebook.sqlite3'}"
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.forwarded_allow_ips == "127.0.0.1"


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"CASEBOOK_PORTT": "8000"}, "unknown setting(s): CASEBOOK_PORTT"),
        ({"CASEBOOK_PORT": "eighty"}, "CASEBOOK_PORT must be a port number"),
        ({"CASEBOOK_PORT": "70000"}, "CASEBOOK_PORT must be a port number"),
    ],
)
def test_mistakes_in_the_environment_stop_start_up(
    environment: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env(environment)


def test_the_server_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    settings = Settings.from_env({"CASEBOOK_DATA_DIR": str(tmp_path / "data")})
    first = settings.secret_key()
    assert settings.secret_key() == first
    assert len(first) == 32
    assert (tmp_path / "data" / "server-secret.key").stat().st_mode & 0o077 == 0


def test_a_malformed_secret_is_refused() -> None:
    with pytest.raises(ConfigError, match="64 hex characters"):
        Settings.from_env({"CASEBOOK_SECRET_KEY": "abc"}).secret_key()
