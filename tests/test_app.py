"""Application wiring that no single domain owns."""

from __future__ import annotations

import dataclasses
import logging

from casebook.app import create_app
from casebook.config import Settings


def test_the_configured_log_level_applies_to_casebooks_loggers(settings: Settings) -> None:
    create_app(dataclasses.replace(settings, log_level="WARNING"))
    assert logging.getLogger("casebook").level == logging.WARNING
    assert not logging.getLogger("casebook.requests").isEnabledFor(logging.INFO)


def test_creating_the_app_leaves_the_root_logger_alone(settings: Settings) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    create_app(settings)
    assert root.handlers == handlers
    assert root.level == level
