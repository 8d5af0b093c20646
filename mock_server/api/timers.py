"""``GET Timers``: the caller's timers across their organisations (not organisation-scoped)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from ..errors import BadRequest, NotFound
from ..records.timers import change_timer, list_timers, start_timer
from ..schemas.bodies import TimerBody, load_body
from ..schemas.query import TimerQuerySchema
from ..schemas.resources import ENVELOPE, TIMER, Page, rendering
from . import caller, db, decoded_body, json_response, paging, query, render_context, settings

bp = Blueprint("timers", __name__, url_prefix="/timers")

LIST_QUERY = TimerQuerySchema()


@bp.get("")
def list_my_timers() -> Response:
    filters = query(LIST_QUERY)
    page = paging()
    context = render_context()

    timers = list_timers(db(), caller(), context.now_utc, filters.get("organisationid"))
    start = (page.number - 1) * page.size
    with rendering(context):
        items = TIMER.dump(timers[start : start + page.size], many=True)
    envelope = ENVELOPE.dump(Page.of(items, len(timers), page))
    if settings().timers_vendor_paging:
        # The vendor's Timers example numbers pages from 0 and claims a next page.
        envelope.update(currentPage=page.number - 1, totalPages=1, hasNext=True)
    return json_response(envelope)


BODY = TimerBody()
TIMER_ACTIONS = ("pause", "resume", "stop")


@bp.post("")
def start_my_timer() -> Response:
    """Start a timer from query parameters, a JSON body, or both (the body wins)."""
    raw: dict[str, Any] = {key.lower(): value for key, value in request.args.items()}
    if request.get_data(cache=True):
        data = decoded_body()
        if not isinstance(data, dict):
            raise BadRequest.for_field("body", "The body must be a JSON object.")
        raw.update({key.lower(): value for key, value in data.items()})
    params = load_body(BODY, raw)
    context = render_context()
    timer = start_timer(db(), caller(), params, context.now_utc, settings().forbidden_status)
    with rendering(context):
        return json_response(TIMER.dump(timer))


@bp.post("/<group_id>/<action>")
def change_my_timer(group_id: str, action: str) -> Response:
    """Pause, resume or stop a timer by its ``groupId``; other actions are unknown routes."""
    if action not in TIMER_ACTIONS:
        raise NotFound(f"No timer action '{action}'; use pause, resume or stop.")
    context = render_context()
    timer = change_timer(db(), caller(), group_id, action, context.now_utc)
    with rendering(context):
        return json_response(TIMER.dump(timer))
