"""The objects one app instance holds: its settings and its store."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from .config import Settings
from .store import Store

EXTENSION_KEY = "synergy_mock"


@dataclass(frozen=True)
class Runtime:
    """Settings and store of one app; kept in ``app.extensions``."""

    settings: Settings
    store: Store


def runtime(app: Flask) -> Runtime:
    """Return the runtime of ``app``."""
    found: Runtime = app.extensions[EXTENSION_KEY]
    return found
