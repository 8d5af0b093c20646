"""``Organisation/{Slug}/Timesheet/Week``: one staff member's week, and writes to its rows.

A row is named by its ``groupId``. PUT on the week creates a row, POST creates or updates one,
and ``…/Week/{groupId}`` reads (GET), updates (POST) or removes (DELETE) it.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from sqlalchemy import select

from ..errors import BadRequest, Unauthorized
from ..records.contacts import get_staff_member
from ..records.timesheets import delete_time_row, find_time_row, get_week, save_time_row
from ..schemas.bodies import TimesheetRowBody
from ..schemas.query import TimesheetWeekQuerySchema
from ..schemas.resources import TIMESHEET_ROW, TIMESHEET_WEEK, rendering
from ..store.models import Membership, Organisation
from . import caller, db, json_body, json_response, organisation, query, render_context, settings

bp = Blueprint("timesheets", __name__, url_prefix="/organisation/<slug>/timesheet")

WEEK_QUERY = TimesheetWeekQuerySchema()


@bp.get("/week")
def get_timesheet_week(slug: str) -> Response:
    org = organisation(slug)
    params = query(WEEK_QUERY)
    day = params.get("dateasint") or params.get("date")
    if day is None:
        raise BadRequest.for_field("DateAsInt", "The DateAsInt field is required.")

    identity = caller()
    own_staff_id = _own_staff_id(org)
    staff_id = next(
        (params[k] for k in ("contactid", "id") if params.get(k) not in (None, 0)), own_staff_id
    )
    if staff_id is None:
        raise BadRequest.for_field("ContactId", "The caller has no timesheet; pass ContactId.")
    if identity.is_restricted and staff_id != own_staff_id:
        raise Unauthorized(
            "access level too low for another staff member's timesheet",
            status=settings().forbidden_status,
        )

    week = get_week(db(), org, get_staff_member(db(), org, staff_id), day)
    with rendering(render_context(org)):
        return json_response(TIMESHEET_WEEK.dump(week))


ROW_BODY = TimesheetRowBody()


def _own_staff_id(org: Organisation) -> int | None:
    """Return the caller's staff id in ``org``, or ``None`` when they have no timesheet."""
    staff_id: int | None = db().scalar(
        select(Membership.staff_id).where(
            Membership.user_id == caller().user.id, Membership.organisation_id == org.id
        )
    )
    return staff_id


def _only_own() -> int | None:
    """Return the refusal status when the caller may write only their own time, else ``None``."""
    return settings().forbidden_status if caller().is_restricted else None


def _row_response(org: Organisation, row: object) -> Response:
    with rendering(render_context(org)):
        return json_response(TIMESHEET_ROW.dump(row))


@bp.put("/week")
@bp.post("/week")
@bp.post("/week/<group_id>")
def upsert_timesheet_row(slug: str, group_id: str | None = None) -> Response:
    org = organisation(slug)
    row = save_time_row(
        db(),
        org,
        json_body(ROW_BODY),
        own_staff_id=_own_staff_id(org),
        only_own=_only_own(),
        allow_update=request.method == "POST",
        path_group_id=group_id,
    )
    return _row_response(org, row)


@bp.get("/week/<group_id>")
def get_timesheet_row(slug: str, group_id: str) -> Response:
    org = organisation(slug)
    row = find_time_row(db(), org, group_id)
    if _only_own() and row.staff_id != _own_staff_id(org):
        raise Unauthorized(
            "access level too low for another staff member's timesheet",
            status=settings().forbidden_status,
        )
    return _row_response(org, row)


@bp.delete("/week/<group_id>")
def remove_timesheet_row(slug: str, group_id: str) -> Response:
    org = organisation(slug)
    delete_time_row(db(), org, group_id, own_staff_id=_own_staff_id(org), only_own=_only_own())
    return json_response({"message": f"Timesheet row {group_id} was deleted."})
