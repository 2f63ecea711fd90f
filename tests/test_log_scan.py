"""The log scan (tests/log_scan.py) fails a run in which any test, on any pytest-xdist worker,
logged a value registered with never_log; the controller reports what the workers found."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from casebook.config import REPO_ROOT

CONFTEST = """from tests.log_scan import (  # noqa: F401 (the hooks)
    pytest_configure,
    pytest_sessionfinish,
    pytest_testnodedown,
)
"""
LEAKS = """import logging
from tests.log_scan import never_log

def test_logs_a_secret():
    never_log("hunter2-correct-horse")
    logging.getLogger("casebook.example").warning("token is %s", "hunter2-correct-horse")
"""
QUIET = """import logging

def test_logs_nothing_sensitive():
    logging.getLogger("casebook.example").warning("an ordinary message")
"""


def run(directory: Path, files: dict[str, str], *options: str) -> subprocess.CompletedProcess[str]:
    for name, text in {"conftest.py": CONFTEST, **files}.items():
        (directory / name).write_text(text)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *options, str(directory)],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_secret_logged_on_any_worker_fails_the_run(tmp_path: Path, workers: str) -> None:
    files = {"test_leaks.py": LEAKS, "test_quiet.py": QUIET}
    result = run(tmp_path, files, "--numprocesses", workers, "--dist", "loadfile")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert "sensitive values and token shapes: 1 leak(s)" in result.stdout
    assert "LEAK casebook.example: 'token is hunter2-correct-horse'" in result.stdout


def test_a_run_without_leaks_passes(tmp_path: Path) -> None:
    result = run(tmp_path, {"test_quiet.py": QUIET}, "--numprocesses", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 leak(s)" in result.stdout
