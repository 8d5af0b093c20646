"""synergy-mock: a local emulator of the Total Synergy REST API (``/api/v2``)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from . import api, control, web
from .config import Settings, load_settings
from .runtime import EXTENSION_KEY, Runtime
from .store import Store

__version__ = "0.1.0"

log = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | Settings | None = None) -> Flask:
    """Build the emulator app.

    ``config`` is a :class:`Settings`, or a mapping of setting names to values that overrides
    the defaults and ``SYNERGY_MOCK_*`` environment variables. The database must already be
    seeded (``synergy-mock seed`` or :func:`mock_server.seeding.seed_if_needed`).
    """
    settings = config if isinstance(config, Settings) else load_settings(config)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions[EXTENSION_KEY] = Runtime(settings=settings, store=Store(settings.database_url))

    api.init_app(app)
    web.init_app(app)
    control.init_app(app)
    app.register_error_handler(HTTPException, _route_http_error)
    app.register_error_handler(Exception, _route_unexpected_error)
    return app


def _route_http_error(error: HTTPException) -> Response:
    if control.is_control_path(request.path):
        return control.handle_http_error(error)
    return api.handle_http_error(error)


def _route_unexpected_error(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _route_http_error(error)
    if control.is_control_path(request.path):
        return control.handle_unexpected(error)
    return api.handle_unexpected(error)
