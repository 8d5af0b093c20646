"""The emulated ``/api/v2`` surface: routing conventions, authentication, CORS and errors."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from marshmallow import Schema
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, ValidationError

from .. import journal
from ..auth import Identity, authenticate, resolve_organisation
from ..clock import utcnow
from ..config import Settings
from ..errors import ApiError, BadRequest, QuotaExceeded, Unauthorized
from ..runtime import runtime
from ..schemas.bodies import load_body, read_json
from ..schemas.query import (
    INT64_MAX,
    PageRequest,
    QuerySchema,
    load_paging,
    load_query,
    normalise_args,
)
from ..schemas.resources import RenderContext
from ..store import hold_write_lock
from ..store.models import Organisation
from ..timezones import utc_to_local
from . import limits

log = logging.getLogger(__name__)

API_PREFIX = "/api/v2"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
AUTH_REASON_HEADER = "X-Synergy-Mock-Auth-Error"
PREFLIGHT_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
PREFLIGHT_MIN_HEADERS = ("access-token", "content-type", "accept")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_api_path(path: str) -> bool:
    """Return whether ``path`` belongs to the emulated API rather than the control plane."""
    return path.lower().startswith("/api/")


def is_emulated_path(path: str) -> bool:
    """Return whether ``path`` is the API or a web-host page such as ``/OAuth2/Authorize``."""
    return is_api_path(path) or path.lower().startswith("/oauth2/")


class IdConverter(BaseConverter):
    """A record id in a path: ASCII digits that fit the real API's 64-bit ids."""

    regex = r"[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > INT64_MAX:
            raise ValidationError()
        return number


class ApiPathMiddleware:
    """Make API paths case-insensitive and their trailing slash optional.

    The real API runs on IIS, which ignores case (clients send both ``Organisation`` and
    ``organisation``), and a real client calls ``Timesheet/Week/`` with a trailing slash. Routes
    are declared in lower case; slugs are matched case-insensitively later, so lowering them
    loses nothing. The path as sent stays in ``environ["synergy_mock.original_path"]``.
    """

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if is_emulated_path(path):
            # WSGI hands the path over as latin-1 text; lower-casing it as such would corrupt
            # UTF-8 bytes, so it is decoded first.
            text = path.encode("latin-1").decode("utf-8", "replace")
            environ["synergy_mock.original_path"] = text
            routed = re.sub("/{2,}", "/", text).lower()
            if len(routed) > 1 and routed.endswith("/"):
                routed = routed[:-1]
            environ["PATH_INFO"] = routed.encode("utf-8").decode("latin-1")
        return self.wsgi_app(environ, start_response)


def json_response(data: Any, status: int = 200) -> Response:
    """Return ``data`` as compact JSON with the real API's content type."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=status, content_type=JSON_CONTENT_TYPE)


def settings() -> Settings:
    """Return the settings of the running app."""
    return runtime(current_app).settings


def db() -> Any:
    """Return this request's database session, opening it on first use."""
    if "db" not in g:
        g.db = runtime(current_app).store.session_factory()
    return g.db


def caller() -> Identity:
    """Return the authenticated caller of this request."""
    identity: Identity = g.identity
    return identity


def organisation(slug: str) -> Organisation:
    """Return the organisation named by ``slug`` if the caller may read it; raise otherwise."""
    current = settings()
    found = resolve_organisation(
        db(),
        slug_as_sent(slug),
        caller(),
        myslug_alias=current.myslug_alias,
        accept_any_slug=current.accept_any_slug,
        forbidden_status=current.forbidden_status,
    )
    g.organisation = (found.id, found.slug)
    return found


def slug_as_sent(slug: str) -> str:
    """Return ``slug`` in the case the client typed it; routing works on the lower-case path."""
    sent = request.environ.get("synergy_mock.original_path", "")
    segments = [segment for segment in sent.split("/") if segment]
    for position, segment in enumerate(segments[:-1]):
        if segment.lower() == "organisation" and segments[position + 1].lower() == slug:
            return str(segments[position + 1])
    return slug


def query_args() -> MultiDict[str, str]:
    """Return this request's query parameters with normalised names."""
    if "query_args" not in g:
        g.query_args = normalise_args(request.args)
    args: MultiDict[str, str] = g.query_args
    return args


def query(schema: QuerySchema) -> dict[str, Any]:
    """Validate this request's query string with ``schema``."""
    return load_query(schema, query_args())


def paging() -> PageRequest:
    """Return the page this request selects."""
    current = settings()
    return load_paging(
        query_args(), current.default_page_size, current.max_page_size, current.page_base
    )


def render_context(organisation: Organisation | None = None, **flags: Any) -> RenderContext:
    """Build the render context of this request: the clock's time and the response settings."""
    current = settings()
    now = utcnow(db(), organisation.id if organisation else None)
    zone = organisation.timezone if organisation else caller().user.default_organisation.timezone
    return RenderContext(
        now_utc=now,
        now_local=utc_to_local(now, zone),
        timezone=zone,
        project_field_aliases=current.project_field_aliases,
        contact_email_aliases=current.contact_email_aliases,
        staff_emit_updated_date=current.staff_emit_updated_date,
        hide_financials=caller().is_restricted,
        security_level=caller().user.security_level,
        **flags,
    )


def json_body(schema: Schema) -> dict[str, Any]:
    """Read and validate this request's JSON body; raise 400 for a wrong type or bad JSON."""
    if request.mimetype != "application/json":
        raise BadRequest.for_field(
            "body", f"Content-Type must be application/json, not '{request.mimetype or 'none'}'."
        )
    return load_body(schema, decoded_body())


def decoded_body() -> Any:
    """Return the request's JSON body decoded; raise 400 for bad JSON and 413 when too large."""
    try:
        data = read_json(request, settings().max_body_bytes)
    except ValueError as error:
        raise BadRequest.for_field("body", str(error)) from None
    if data is None:
        raise BadRequest.for_field("body", "The body is not valid JSON.")
    return data


def local_now(organisation: Organisation) -> dt.datetime:
    """Return the organisation's current local time by its server clock, for record dates."""
    return utc_to_local(utcnow(db(), organisation.id), organisation.timezone).replace(microsecond=0)


def require_unrestricted(resource: str) -> None:
    """Refuse callers whose access level hides financial data."""
    if caller().is_restricted:
        raise Unauthorized(
            f"access level too low for {resource}", status=settings().forbidden_status
        )


def authenticate_request() -> None:
    """Check the caller's static key before any API view runs."""
    current = settings()
    token = request.headers.get("access-token")
    if not token and current.accept_bearer:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            token = value
    g.identity = authenticate(db(), token, current.secret_key)
    if current.quota_enabled:
        limits.count_call()
    if request.method not in SAFE_METHODS:
        # After counting, which writes on its own connection and would otherwise wait for this.
        hold_write_lock(db())


def _error_body(status: int, message: str, model_state: dict[str, list[str]] | None) -> Any:
    body: dict[str, Any] = {"message": message}
    if model_state:
        body["modelState"] = model_state
    if settings().error_include_error_key:
        body["error"] = message
    return body


def handle_api_error(error: ApiError) -> Response:
    """Render a typed error in the real API's shape."""
    model_state = error.model_state if isinstance(error, BadRequest) else None
    response = json_response(_error_body(error.status, error.message, model_state), error.status)
    if isinstance(error, Unauthorized):
        response.headers[AUTH_REASON_HEADER] = error.reason
        log.info("Rejected %s %s: %s", request.method, request.path, error.reason)
    if isinstance(error, QuotaExceeded):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def handle_http_error(error: HTTPException) -> Response:
    """Render routing errors (unknown route, wrong method) in the real API's shape."""
    status = error.code or 500
    if status == 404:
        sent_path = request.environ.get("synergy_mock.original_path", request.path)
        uri = request.host_url.rstrip("/") + sent_path
        message = f"No HTTP resource was found that matches the request URI '{uri}'."
    elif status == 405:
        message = f"The requested resource does not support http method '{request.method}'."
    elif status == 413:
        message = f"The request body is larger than the limit of {settings().max_body_bytes} bytes."
    else:
        message = error.description or "The request is invalid."
    response = json_response(_error_body(status, message, None), status)
    allowed = getattr(error, "valid_methods", None)
    if status == 405 and allowed:
        response.headers["Allow"] = ", ".join(sorted(allowed))
    return response


def handle_unexpected(error: Exception) -> Response:
    """Log an unexpected failure and return the real API's generic 500 body."""
    if isinstance(error, IntegrityError):
        log.warning("Write conflict on %s %s: %s", request.method, request.path, error.orig)
        message = "The request conflicts with a change made at the same time; send it again."
        return json_response(_error_body(409, message, None), 409)
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return json_response(_error_body(500, "An error has occurred.", None), 500)


def preflight() -> Response | None:
    """Respond to a CORS preflight on any API path, without authentication."""
    if request.method != "OPTIONS" or not is_api_path(request.path):
        return None
    if settings().cors_mode == "off":
        return json_response(
            _error_body(
                405, "The requested resource does not support http method 'OPTIONS'.", None
            ),
            405,
        )
    requested = request.headers.get("Access-Control-Request-Headers", "")
    names = [name.strip().lower() for name in requested.split(",") if name.strip()]
    allowed = list(dict.fromkeys([*PREFLIGHT_MIN_HEADERS, *names]))
    response = Response(status=204)
    del response.headers["Content-Type"]
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = PREFLIGHT_METHODS
    response.headers["Access-Control-Allow-Headers"] = ", ".join(allowed)
    response.headers["Access-Control-Max-Age"] = "600"
    return response


def add_cors_headers(response: Response) -> Response:
    """Let browser code read every API response, errors included, when CORS is open."""
    if is_api_path(request.path) and settings().cors_mode == "open":
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = AUTH_REASON_HEADER
    return response


def _finish_session(commit: bool) -> None:
    """Commit or roll back this request's session, if it opened one, and close it."""
    session = g.pop("db", None)
    if session is None:
        return
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


def close_session(error: BaseException | None) -> None:
    """Commit or roll back a session still open at the end of the request."""
    _finish_session(commit=error is None)


def start_clock() -> None:
    """Note when an API request arrived, for the journal's duration."""
    if is_api_path(request.path):
        g.received = time.perf_counter()


def _journal_organisation() -> tuple[int | None, str | None]:
    """Return the organisation a request concerned: resolved, named in the path, or the caller's."""
    if "organisation" in g:
        found: tuple[int, str] = g.organisation
        return found
    slug = (request.view_args or {}).get("slug")
    with runtime(current_app).store.session() as session:
        if slug:
            row = session.execute(
                select(Organisation.id, Organisation.slug).where(
                    Organisation.slug_key == str(slug).lower()
                )
            ).first()
            if row is not None:
                return row[0], row[1]
        if "identity" in g:
            organisation_id = caller().user.default_organisation_id
            return organisation_id, session.scalar(
                select(Organisation.slug).where(Organisation.id == organisation_id)
            )
    return None, None


def record_request(response: Response) -> Response:
    """Add this API request to the journal; a failure here is logged, never returned."""
    if not is_api_path(request.path) or "received" not in g:
        return response
    current = settings()
    try:
        organisation_id, slug = _journal_organisation()
    except Exception:
        log.exception("Could not tell the organisation of %s %s", request.method, request.path)
        organisation_id, slug = None, None
    # Finish the request's own transaction before writing the journal: SQLite allows one writer,
    # so the journal's write would otherwise wait for this request's own write. An error
    # response rolls back, so a rejected write stores nothing.
    _finish_session(commit=response.status_code < 400)
    try:
        too_large = (request.content_length or 0) > current.max_body_bytes
        body = "" if too_large else request.get_data(cache=True, as_text=True)
        body = body[: current.journal_body_limit]
        with runtime(current_app).store.session() as session:
            entry = journal.Recorded(
                organisation_id=organisation_id,
                organisation_slug=slug,
                method=request.method,
                path=request.environ.get("synergy_mock.original_path", request.path),
                query=request.query_string.decode("latin-1"),
                headers=journal.masked_headers(list(request.headers.items())),
                body=body or None,
                status=response.status_code,
                received_at=utcnow(session),
                duration_ms=(time.perf_counter() - g.received) * 1000,
                fault=g.get("fault"),
            )
            journal.record(session, entry, current.journal_max_rows)
    except Exception:
        log.exception("Could not record %s %s in the journal", request.method, request.path)
    return response


def init_app(app: Flask) -> None:
    """Register the API blueprints, conventions and error handlers on ``app``."""
    from . import (
        contacts,
        invoices,
        oauth,
        organisations,
        projects,
        staff,
        timers,
        timesheets,
        transactions,
    )

    # The parent blueprint is built per app, because Flask forbids adding children to a
    # blueprint that an earlier app has already registered.
    app.url_map.converters["id"] = IdConverter
    parent = Blueprint("api", __name__, url_prefix=API_PREFIX)
    parent.before_request(authenticate_request)
    for module in (
        organisations,
        projects,
        contacts,
        staff,
        invoices,
        timesheets,
        timers,
        transactions,
    ):
        parent.register_blueprint(module.bp)
    app.register_blueprint(parent)
    app.register_blueprint(oauth.bp)
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False
    app.wsgi_app = ApiPathMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    app.before_request(start_clock)
    app.before_request(preflight)
    app.before_request(limits.apply_fault)
    app.after_request(add_cors_headers)
    app.after_request(record_request)
    app.teardown_appcontext(close_session)
    app.register_error_handler(ApiError, handle_api_error)
