"""``GET Organisation/{Slug}/Staff``: a bare array of staff members, with no paging."""

from __future__ import annotations

from flask import Blueprint, Response

from ..records.contacts import list_staff
from ..schemas.query import StaffQuerySchema
from ..schemas.resources import STAFF, rendering
from . import db, json_response, organisation, query, render_context

bp = Blueprint("staff", __name__, url_prefix="/organisation/<slug>/staff")

LIST_QUERY = StaffQuerySchema()


@bp.get("")
def list_organisation_staff(slug: str) -> Response:
    org = organisation(slug)
    filters = query(LIST_QUERY)
    rows = list_staff(db(), org, filters)
    with rendering(render_context(org)):
        return json_response([STAFF.dump_staff(member) for member in rows])
