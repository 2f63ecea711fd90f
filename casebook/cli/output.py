"""Showing server-provided text on a terminal: control characters removed, columns aligned."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import click


def printable(text: str) -> str:
    """`text` without control and format characters (a narrative could otherwise carry
    terminal escape sequences); line breaks and tabs become spaces."""
    return "".join(
        " " if char in "\t\r\n" else char
        for char in text
        if char in "\t\r\n" or unicodedata.category(char) not in {"Cc", "Cf"}
    )


def shorten(text: str, width: int) -> str:
    text = " ".join(printable(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to their widest cell; the last column is not padded."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    for row in (headers, *rows):
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)]
        click.echo("  ".join(cells).rstrip())


def echo_fields(fields: Sequence[tuple[str, str]]) -> None:
    """`Label:  value` lines with the values aligned; empty values are left out."""
    for label, value in fields:
        if value:
            click.echo(f"{label + ':':<14}{printable(str(value))}")
