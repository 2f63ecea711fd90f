"""A manifest's file name is the uploader's text: it becomes one harmless path component."""

from __future__ import annotations

import pytest

from casebook.cli.attachments import safe_name

FALLBACK = "0190f5d2-7b1e-7c3a-9d4e-5f6a7b8c9d0e"


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("march.mp4", "march.mp4"),
        ("vigilia en el centro.jpg", "vigilia en el centro.jpg"),
        ("../../.bashrc", "_.._.bashrc"),
        ("/etc/passwd", "_etc_passwd"),
        ("..\\..\\boot.ini", "_.._boot.ini"),
        (".hidden", "hidden"),
        ("evil\x1b[2Jname\u202etxt.exe", "evil[2Jnametxt.exe"),
        ("..", FALLBACK),
        ("", FALLBACK),
        ("é" * 101, FALLBACK),
    ],
)
def test_file_names_from_manifests_are_one_harmless_path_component(
    given: str, written: str
) -> None:
    assert safe_name(given, FALLBACK) == written
