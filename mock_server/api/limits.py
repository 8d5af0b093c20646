"""Daily quotas and fault injection, applied to each API call before its view runs."""

from __future__ import annotations

import http
import logging
import socket
import time
from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy import select

from .. import faults, quota
from ..clock import utcnow
from ..errors import QuotaExceeded, Unauthorized
from ..runtime import runtime
from ..store.models import Organisation

log = logging.getLogger(__name__)

# The first bytes of a list reply, cut off: what a client sees when a proxy truncates a body.
MALFORMED_BODY = '{"totalItems":1,"items":[{"id":'


def _path_organisation_id() -> int | None:
    """Return the id of the organisation named by the path's slug, if it names one."""
    if "path_organisation_id" in g:
        cached: int | None = g.path_organisation_id
        return cached
    slug = (request.view_args or {}).get("slug")
    found = None
    if slug:
        with runtime(current_app).store.session() as session:
            found = session.scalar(
                select(Organisation.id).where(Organisation.slug_key == str(slug).lower())
            )
    organisation_id = int(found) if found is not None else None
    g.path_organisation_id = organisation_id
    return organisation_id


def count_call() -> None:
    """Count this authenticated call against its organisation's quota; raise when used up.

    The organisation is the one the path names when the caller belongs to it, else the caller's
    default organisation. Calls to the Transactions API also count against its own limit.
    """
    from . import caller, db, settings

    identity = caller()
    organisation_id = _path_organisation_id()
    if organisation_id not in identity.organisation_ids:
        organisation_id = identity.user.default_organisation_id
    current = settings()
    today = quota.window(utcnow(db(), organisation_id), current.quota_timezone)
    is_transaction = (request.blueprint or "").endswith(".transactions")
    with runtime(current_app).store.engine.connect() as connection:
        rejection = quota.spend(
            connection, organisation_id, transaction=is_transaction, today=today
        )
    if rejection is not None:
        log.info(
            "Quota used up for organisation %s on %s %s",
            organisation_id,
            request.method,
            request.path,
        )
        raise QuotaExceeded(
            rejection.message, rejection.window.seconds_left, status=current.quota_status
        )


def apply_fault() -> Response | None:
    """Apply a fault to this API call: one asked for by header, or the first rule that fires."""
    from . import is_api_path, settings

    if not is_api_path(request.path):
        return None
    header = request.headers.get(faults.HEADER)
    if header is not None:
        if settings().control_token:
            return _error(
                403,
                f"{faults.HEADER} is turned off because the control plane requires a token; "
                "add a rule through POST /_mock/faults instead.",
            )
        try:
            fault: faults.Fault | None = faults.parse_header(header)
        except ValueError as error:
            return _error(400, str(error))
    else:
        # The routed path, with repeated slashes merged, so ``//`` cannot slip past a rule.
        with runtime(current_app).store.engine.connect() as connection:
            fault = faults.next_fault(
                connection, request.method, request.path, _path_organisation_id()
            )
    if fault is None:
        return None
    # For the journal: which fault this call got, and from where.
    g.fault = fault.describe()
    if fault.latency_ms:
        time.sleep(fault.latency_ms / 1000)
    if not fault.replaces_response:
        return None
    source = f"rule {fault.rule_id}" if fault.rule_id else faults.HEADER
    log.info("Fault from %s on %s %s", source, request.method, request.path)
    if fault.drop:
        return _drop_connection()
    if fault.body == "empty":
        return Response("", status=200, content_type="application/json; charset=utf-8")
    if fault.body == "malformed":
        return Response(MALFORMED_BODY, status=200, content_type="application/json; charset=utf-8")
    assert fault.status is not None
    return _error(fault.status, fault.message or _default_message(fault.status))


def _default_message(status: int) -> str:
    if status == 401:
        return Unauthorized.DENIED
    if status == 500:
        return "An error has occurred."
    try:
        return f"{http.HTTPStatus(status).phrase}."
    except ValueError:
        return "An error has occurred."


def _error(status: int, message: str) -> Response:
    from . import _error_body, json_response

    return json_response(_error_body(status, message, None), status)


def _drop_connection() -> Response:
    """Close the client's connection without a reply, as a crashed upstream would."""
    sock: Any = request.environ.get("gunicorn.socket") or request.environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    else:
        log.warning("Cannot drop the connection on this server; answering 502 instead")
        return _error(502, "Bad Gateway.")
    response = Response("", status=502)
    response.headers["Connection"] = "close"
    return response
