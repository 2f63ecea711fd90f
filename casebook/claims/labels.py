"""Exhibit labels: letters (A ... Z, AA, AB ...) or a Bates-style prefix and number."""

from __future__ import annotations

import re

BATES_DIGITS = 6
# Labels name the exported files, so a prefix holds nothing a file system could misread.
BATES_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}")


def letters(index: int) -> str:
    """0 is A, 25 is Z, 26 is AA, 701 is ZZ, 702 is AAA: counting as spreadsheet columns do."""
    label = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def bates(prefix: str, number: int) -> str:
    return f"{prefix}{number:0{BATES_DIGITS}d}"


def exhibit_labels(style: str, prefix: str, start: int, count: int) -> list[str]:
    if style == "bates":
        return [bates(prefix, start + index) for index in range(count)]
    return [letters(index) for index in range(count)]
