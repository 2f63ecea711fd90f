"""Scans every log record of the whole test run for secrets and sensitive text.

Records are captured at whatever level the code under test configures (nothing is forced to
DEBUG), as a deployment would log them. Tests register values that must never be logged with
`never_log(...)`; tokens are also caught by shape (their cbt_/cbs_/cbi_ prefixes). A hit fails
the run at the end and names the logger and the record. Under pytest-xdist each worker scans
its own records and the controller adds up the results."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import pytest

TOKEN_SHAPE = re.compile(r"\bcb[tsi]_[A-Za-z0-9_-]{20,}")

_sensitive: set[str] = set()


def never_log(*values: str) -> None:
    _sensitive.update(v for v in values if len(v) >= 8)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a malformed record must not hide the others
            text = f"{record.msg!r} {record.args!r}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {record.exc_info[1]!r}"
        self.records.append((record.name, text))


_collector = _Collector()


def leaks() -> list[str]:
    found = []
    for name, text in _collector.records:
        hits = [v for v in _sensitive if v in text] + TOKEN_SHAPE.findall(text)
        if hits:
            found.append(f"{name}: {text[:200]!r} holds {hits[0][:12]}...")
    return found


@dataclass
class ScanResult:
    records: int = 0
    sensitive: int = 0
    leaks: list[str] = field(default_factory=list)

    def add(self, other: dict[str, Any]) -> None:
        self.records += other["records"]
        self.sensitive += other["sensitive"]
        self.leaks += other["leaks"]


_run = ScanResult()


def pytest_configure(config: pytest.Config) -> None:
    logging.getLogger().addHandler(_collector)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object | None) -> None:
    """On the pytest-xdist controller: gathers what a worker's scan found."""
    _run.add(node.workeroutput.get("log_scan", asdict(ScanResult())))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    logging.getLogger().removeHandler(_collector)
    own = ScanResult(len(_collector.records), len(_sensitive), leaks())
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: the controller reports for all
        workeroutput["log_scan"] = asdict(own)
        return
    _run.add(asdict(own))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"log scan: {_run.records} log records of this run checked for "
            f"{_run.sensitive} sensitive values and token shapes: {len(_run.leaks)} leak(s)"
        )
        for line in _run.leaks[:20]:
            reporter.write_line(f"  LEAK {line}", red=True)
    if _run.leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
