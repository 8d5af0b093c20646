"""Run the app under gunicorn from Python, with the emulator's gunicorn settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

from . import create_app, gunicorn_conf
from .config import Settings


class EmulatorServer(BaseApplication):  # type: ignore[misc]
    """A gunicorn application that serves :func:`create_app` with the given settings."""

    def __init__(self, settings: Settings, on_ready: Callable[[str, int], None] | None) -> None:
        self.settings = settings
        self.on_ready = on_ready
        super().__init__()

    def load_config(self) -> None:
        for name in ("worker_class", "timeout", "graceful_timeout", "control_socket_disable"):
            self.cfg.set(name, getattr(gunicorn_conf, name))
        self.cfg.set("bind", [f"{self.settings.host}:{self.settings.port}"])
        self.cfg.set("workers", self.settings.workers)
        self.cfg.set("threads", self.settings.threads)
        self.cfg.set("when_ready", self._when_ready)

    def _when_ready(self, server: Any) -> None:
        if self.on_ready is None:
            return
        host, port = server.LISTENERS[0].sock.getsockname()[:2]
        self.on_ready(host, port)

    def load(self) -> Any:
        return create_app(self.settings)


def run_gunicorn(settings: Settings, on_ready: Callable[[str, int], None] | None = None) -> None:
    """Serve until stopped. The database must already be seeded."""
    EmulatorServer(settings, on_ready).run()
