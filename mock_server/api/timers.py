"""``GET Timers``: the caller's timers across their organisations (not organisation-scoped)."""

from __future__ import annotations

from flask import Blueprint, Response

from ..errors import NotImplementedOperation
from ..records.timers import list_timers
from ..schemas.query import TimerQuerySchema
from ..schemas.resources import ENVELOPE, TIMER, Page, rendering
from . import caller, db, json_response, paging, query, render_context, settings

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


@bp.post("")
def create_timer() -> Response:
    raise NotImplementedOperation("POST Timers")
