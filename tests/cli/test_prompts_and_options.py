"""Password input and the option checks that happen before any server is contacted."""

from __future__ import annotations

import io
from typing import Any

import click
import pytest

from casebook.cli import prompts
from tests.cli.conftest import invoke

GROUP = "6a0c5a53-0b8c-4b0e-9a43-8c7f3c2f8d11"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_at_a_terminal_the_password_is_asked_for_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: dict[str, Any] = {}

    def prompt(text: str, **options: Any) -> str:
        asked.update(options, text=text)
        return "typed at the terminal"

    monkeypatch.setattr("sys.stdin", Terminal("piped text that must not be read\n"))
    monkeypatch.setattr(click, "prompt", prompt)
    assert prompts.read_password("Password", confirm=True) == "typed at the terminal"
    assert asked["hide_input"] is True
    assert asked["confirmation_prompt"] is True
    assert asked["err"] is True


def test_piped_passwords_keep_their_spaces_but_not_the_line_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("  two spaces either side  \r\nsecond line\n"))
    assert prompts.read_password() == "  two spaces either side  "


def test_a_narrative_comes_from_one_place_only(tmp_path: Any) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("From the file.")
    args = ["incident", "add", "--group", GROUP, "--date", "2024-01-01", "--tactic", "ruse"]
    result = invoke([*args, "--narrative", "inline", "--narrative-file", str(notes)])
    assert result.exit_code == 2
    assert "--narrative or --narrative-file, not both" in result.stderr


@pytest.mark.parametrize(
    ("date", "precision", "message"),
    [
        ("2024-07", "day", "a day-exact date needs the form YYYY-MM-DD"),
        ("2024", "month", "a month-exact date needs the form YYYY-MM"),
        ("14/03/2024", None, "'14/03/2024' is not YYYY-MM-DD, YYYY-MM or YYYY"),
    ],
)
def test_dates_must_be_as_exact_as_their_precision(
    date: str, precision: str | None, message: str
) -> None:
    args = ["incident", "add", "--group", GROUP, "--date", date, "--tactic", "ruse"]
    result = invoke(args + (["--precision", precision] if precision else []))
    assert result.exit_code == 2
    assert message in result.stderr


def test_people_are_given_as_id_and_role() -> None:
    args = ["incident", "add", "--group", GROUP, "--date", "2024-01-01", "--tactic", "ruse"]
    result = invoke([*args, "--person", "rosa:target"])
    assert result.exit_code == 2
    assert "is not PERSON_ID:ROLE" in result.stderr
