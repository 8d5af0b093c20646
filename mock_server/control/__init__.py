"""The ``/_mock`` control plane. It never shares a URL space with the emulated API."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from .. import clock, journal, lifecycle
from ..config import Settings
from ..lifecycle import ControlError
from ..runtime import runtime
from ..schemas.bodies import read_json
from ..seeding.scenario import ScenarioError, load_scenario
from ..seeding.scenario import list_scenarios as scenario_files
from ..seeding.state import read_seed_state
from ..store import Store
from ..store.models import Organisation

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


@bp.before_request
def require_control_token() -> Response | None:
    """Refuse every control route but health without the configured control token."""
    expected = runtime(current_app).settings.control_token
    if not expected or request.endpoint == "control.health":
        return None
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(sent.strip(), expected):
        return None
    log.info("Rejected control request %s %s: missing or wrong token", request.method, request.path)
    return control_error(
        401,
        "unauthorized",
        "This control plane needs 'Authorization: Bearer <SYNERGY_MOCK_CONTROL_TOKEN>'.",
    )


def _store() -> Store:
    return runtime(current_app).store


def _settings() -> Settings:
    return runtime(current_app).settings


def _body() -> dict[str, Any]:
    """Return the JSON object sent, or an empty one; anything else is a 400."""
    if not request.get_data(cache=True):
        return {}
    try:
        data = read_json(request, _settings().max_body_bytes)
    except ValueError as error:
        raise ControlError(400, "invalid_body", str(error)) from None
    if not isinstance(data, dict):
        raise ControlError(400, "invalid_body", "The body must be a JSON object.")
    return data


def _organisation_id(slug: Any) -> int | None:
    """Return the id of the organisation ``slug``, ``None`` for none given, or raise 404."""
    if slug is None:
        return None
    if not isinstance(slug, str):
        raise ControlError(400, "invalid_organisation", "'organisation' must be a slug.")
    with _store().session() as session:
        found = session.scalar(select(Organisation.id).where(Organisation.slug_key == slug.lower()))
    if found is None:
        raise ControlError(404, "not_found", f"No organisation {slug!r}.")
    return int(found)


@bp.get("/health")
def health() -> Response:
    """Return 200 once the database contains a seeded scenario, and 503 before that."""
    state = read_seed_state(_store())
    if state is None:
        return control_error(503, "not_seeded", "The database has not been seeded yet.")
    body: dict[str, Any] = {"status": "ok", **state}
    return jsonify(body)


@bp.post("/reset")
def reset() -> Response:
    return jsonify(lifecycle.reset(_store()))


@bp.get("/scenarios")
def list_scenarios() -> Response:
    current = _settings()
    found = []
    for name, path in scenario_files(current.scenario_search_path()):
        try:
            description = load_scenario(str(path), [], current.fixture_search_path()).description
            valid = True
        except ScenarioError as error:
            description, valid = str(error), False
        found.append({"name": name, "description": description, "valid": valid})
    loaded = read_seed_state(_store())
    return jsonify({"scenarios": found, "loaded": loaded["scenario"] if loaded else None})


@bp.post("/scenarios/load")
def load_scenario_route() -> Response:
    body = _body()
    return jsonify(
        lifecycle.load_named_scenario(_store(), _settings(), body.get("name"), body.get("seed"))
    )


@bp.post("/snapshots")
def take_snapshot() -> Response:
    return jsonify(lifecycle.take_snapshot(_store(), _body().get("name")))


@bp.post("/snapshots/<name>/restore")
def restore_snapshot(name: str) -> Response:
    return jsonify(lifecycle.restore_snapshot(_store(), name))


@bp.post("/namespaces")
def create_namespace() -> Response:
    body = _body()
    created = lifecycle.create_namespace(
        _store(), _settings(), body.get("scenario"), body.get("seed")
    )
    return jsonify(created)


@bp.delete("/namespaces/<slug>")
def delete_namespace(slug: str) -> Response:
    return jsonify(lifecycle.delete_namespace(_store(), slug))


def _clock_state(organisation: str | None) -> dict[str, Any]:
    organisation_id = _organisation_id(organisation)
    with _store().session() as session:
        now = clock.utcnow(session, organisation_id)
        frozen = clock.is_frozen(session, organisation_id)
    return {"now": now.isoformat() + "Z", "frozen": frozen, "organisation": organisation}


@bp.get("/clock")
def get_clock() -> Response:
    return jsonify(_clock_state(request.args.get("organisation")))


@bp.post("/clock")
def move_clock() -> Response:
    body = _body()
    actions = [key for key in ("advance_seconds", "set", "freeze") if key in body]
    if len(actions) != 1:
        raise ControlError(
            400,
            "invalid_body",
            "Send exactly one of 'advance_seconds', 'set' (ISO 8601) or 'freeze' (true or false).",
        )
    organisation = body.get("organisation")
    organisation_id = _organisation_id(organisation)
    with _store().session() as session:
        action = actions[0]
        if action == "advance_seconds":
            seconds = body["advance_seconds"]
            if (
                not isinstance(seconds, int | float)
                or isinstance(seconds, bool)
                or not abs(seconds) <= MAX_ADVANCE_SECONDS
            ):
                raise ControlError(
                    400,
                    "invalid_body",
                    f"'advance_seconds' must be a number of seconds up to {MAX_ADVANCE_SECONDS} "
                    "either way (100 years).",
                )
            moved = clock.utcnow(session, organisation_id) + dt.timedelta(seconds=seconds)
            _check_year(moved, "advance_seconds")
            clock.advance(session, float(seconds), organisation_id)
        elif action == "set":
            clock.set_time(session, _parse_instant(body["set"], "set"), organisation_id)
        else:
            if not isinstance(body["freeze"], bool):
                raise ControlError(400, "invalid_body", "'freeze' must be true or false.")
            clock.freeze(session, body["freeze"], organisation_id)
    return jsonify(_clock_state(organisation))


def _parse_instant(value: Any, field: str) -> dt.datetime:
    """Parse an ISO 8601 instant; a value without a zone is UTC. Returns naive UTC."""
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ControlError(
            400,
            "invalid_body",
            f"'{field}' must be an ISO 8601 date-time, "
            f"such as 2025-03-07T09:00:00Z; got {value!r}.",
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    _check_year(parsed, field)
    return parsed


MAX_ADVANCE_SECONDS = 100 * 366 * 86400
# Dates the real API can write (SQL Server's datetime starts in 1753), with room for a year's
# worth of keys and quota days before Python's datetime ends.
YEARS = (1753, 9000)


def _check_year(instant: dt.datetime, field: str) -> None:
    if not YEARS[0] <= instant.year <= YEARS[1]:
        raise ControlError(
            400,
            "invalid_body",
            f"'{field}' must give a time in the years {YEARS[0]} to {YEARS[1]}.",
        )


@bp.get("/journal")
def read_journal() -> Response:
    args = request.args
    status = args.get("status")
    if status is not None and not (status.isascii() and status.isdigit() and len(status) <= 3):
        raise ControlError(400, "invalid_query", f"'status' must be a number; got {status!r}.")
    limit = args.get("limit", "1000")
    if not limit.isdigit() or not 1 <= int(limit) <= 10_000:
        raise ControlError(400, "invalid_query", "'limit' must be a number from 1 to 10000.")
    since = args.get("since")
    with _store().session() as session:
        rows = journal.query(
            session,
            method=args.get("method"),
            path=args.get("path"),
            status=int(status) if status else None,
            organisation_id=_organisation_id(args.get("organisation")),
            since=_parse_instant(since, "since") if since else None,
            limit=int(limit),
        )
        entries = [journal.as_dict(row) for row in rows]
    return jsonify({"requests": entries, "count": len(entries)})


@bp.delete("/journal")
def clear_journal() -> Response:
    organisation_id = _organisation_id(request.args.get("organisation"))
    with _store().session() as session:
        removed = journal.clear(session, organisation_id)
    return jsonify({"status": "cleared", "removed": removed})


@bp.get("/applications")
def list_applications() -> Response:
    return jsonify({"applications": lifecycle.list_applications(_store())})


@bp.post("/applications")
def create_application() -> Response:
    return jsonify(lifecycle.create_application(_store(), _body()))


@bp.post("/oauth/approve")
def approve() -> Response:
    body = _body()
    return jsonify(lifecycle.approve(_store(), _settings(), body))


@bp.post("/tokens")
def mint_token() -> Response:
    body = _body()
    return jsonify(
        lifecycle.mint_token(_store(), _settings(), body.get("email"), body.get("years"))
    )


def handle_control_error(error: ControlError) -> Response:
    """Render a control-plane error in its own shape."""
    if error.status >= 500:
        log.warning("Control request %s %s failed: %s", request.method, request.path, error)
    return control_error(error.status, error.code, error.message)


def handle_http_error(error: HTTPException) -> Response:
    """Render routing errors under ``/_mock`` in the control plane's shape."""
    status = error.code or 500
    if status == 404:
        return control_error(404, "not_found", f"No control route {request.path}.")
    if status == 405:
        return control_error(
            405, "method_not_allowed", f"{request.method} is not allowed on {request.path}."
        )
    if status == 413:
        limit = _settings().max_body_bytes
        return control_error(413, "too_large", f"The body is larger than {limit} bytes.")
    return control_error(status, "bad_request", error.description or "Bad request.")


def handle_unexpected(error: Exception) -> Response:
    """Log an unexpected control-plane failure and return a 500 in the control shape."""
    if isinstance(error, IntegrityError):
        return control_error(409, "conflict", "A change made at the same time conflicts; retry.")
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return control_error(500, "internal_error", "An unexpected error occurred; see the server log.")


def init_app(app: Flask) -> None:
    """Register the control plane on ``app``."""
    from . import limits  # noqa: F401  (adds the quota and fault routes to the blueprint)

    app.register_blueprint(bp)
    app.register_error_handler(ControlError, handle_control_error)
