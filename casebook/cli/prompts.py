"""Reading a password: a hidden prompt at a terminal, one line from standard input otherwise.

Passwords never come from the command line, where other users of the machine and the shell
history can see them."""

from __future__ import annotations

import sys

import click


def read_password(
    prompt: str = "Password", *, confirm: bool = False, optional: bool = False
) -> str:
    """Ask at the terminal (twice when `confirm`), or read the next line piped to stdin.
    When `optional`, Enter (an empty or missing line) gives ""."""
    stdin = sys.stdin
    if stdin.isatty():
        password: str = click.prompt(
            prompt,
            hide_input=True,
            confirmation_prompt=confirm,
            err=True,
            default="" if optional else None,
            show_default=False,
        )
        return password
    line = stdin.readline().removesuffix("\n").removesuffix("\r")
    if not line and not optional:
        raise click.ClickException(
            "No password on standard input: pipe it in as one line, or run the command at a "
            "terminal to be asked for it."
        )
    return line
