"""gunicorn settings for the emulator, read from the same ``SYNERGY_MOCK_*`` settings as the app.

Use it as ``gunicorn -c python:mock_server.gunicorn_conf mock_server.wsgi:app``. The master seeds
the database before any worker starts, so every worker serves the same data.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from mock_server.config import load_settings
from mock_server.seeding import seed_if_needed
from mock_server.seeding.scenario import ScenarioError

_settings = load_settings()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers
# Threads let a call slowed by a latency fault wait without holding up other calls.
worker_class = "gthread"
threads = _settings.threads
timeout = 30
graceful_timeout = 5
# gunicorn 25 and later open a control socket under $XDG_RUNTIME_DIR or $HOME by default. Two
# servers on one machine would then compete for the same socket, so the emulator never opens one.
control_socket_disable = True


def on_starting(server: Any) -> None:
    """Seed the configured scenario in the master.

    The database is kept when it already contains the scenario, unless setting ``reseed`` is true.
    """
    # Under plain gunicorn (the container) nothing else sends the emulator's log to stderr. Under
    # ``synergy-mock serve`` this does nothing, because the command has set logging up already.
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = load_settings()
    try:
        seed_if_needed(settings, force=settings.reseed)
    except (ScenarioError, SQLAlchemyError, OSError) as error:
        # One line naming what failed, in place of gunicorn's traceback of the master.
        hint = ""
        if "unable to open database file" in str(error):
            hint = " Check that its folder exists and that this user may write to it."
        logging.getLogger(__name__).error(
            "Could not seed %s: %s.%s", settings.database_url, _first_line(error), hint
        )
        sys.exit(1)


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0].rstrip(".") if text else type(error).__name__
