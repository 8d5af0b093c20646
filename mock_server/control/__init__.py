"""The ``/_mock`` control plane. It never shares a URL space with the emulated API."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from ..runtime import runtime
from ..seeding.state import read_seed_state

log = logging.getLogger(__name__)

CONTROL_PREFIX = "/_mock"

bp = Blueprint("control", __name__, url_prefix=CONTROL_PREFIX)


def is_control_path(path: str) -> bool:
    """Return whether ``path`` belongs to the control plane."""
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def control_error(status: int, code: str, message: str) -> Response:
    """Return the control plane's error shape: ``{"error": {"code", "message"}}``."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


@bp.get("/health")
def health() -> Response:
    """Return 200 once the database contains a seeded scenario, and 503 before that."""
    state = read_seed_state(runtime(current_app).store)
    if state is None:
        return control_error(503, "not_seeded", "The database has not been seeded yet.")
    body: dict[str, Any] = {"status": "ok", **state}
    return jsonify(body)


def handle_http_error(error: HTTPException) -> Response:
    """Render routing errors under ``/_mock`` in the control plane's shape."""
    status = error.code or 500
    if status == 404:
        return control_error(404, "not_found", f"No control route {request.path}.")
    if status == 405:
        return control_error(
            405, "method_not_allowed", f"{request.method} is not allowed on {request.path}."
        )
    return control_error(status, "bad_request", error.description or "Bad request.")


def handle_unexpected(error: Exception) -> Response:
    """Log an unexpected control-plane failure and return a 500 in the control shape."""
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return control_error(500, "internal_error", "An unexpected error occurred; see the server log.")


def init_app(app: Flask) -> None:
    """Register the control plane on ``app``."""
    app.register_blueprint(bp)
