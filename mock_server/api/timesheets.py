"""``GET Organisation/{Slug}/Timesheet/Week``: one staff member's week."""

from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy import select

from ..errors import BadRequest, Unauthorized
from ..records.contacts import get_staff_member
from ..records.timesheets import get_week
from ..schemas.query import TimesheetWeekQuerySchema
from ..schemas.resources import TIMESHEET_WEEK, rendering
from ..store.models import Membership
from . import caller, db, json_response, organisation, query, render_context, settings

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
    own_staff_id = db().scalar(
        select(Membership.staff_id).where(
            Membership.user_id == identity.user.id, Membership.organisation_id == org.id
        )
    )
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
