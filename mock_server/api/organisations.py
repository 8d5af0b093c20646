"""``GET Organisation`` and ``GET Organisation/{Slug}``: the caller's organisations."""

from __future__ import annotations

from flask import Blueprint, Response

from ..records.organisations import list_organisations
from ..schemas.resources import ENVELOPE, ORGANISATION, Page
from . import caller, db, json_response, organisation, paging

bp = Blueprint("organisations", __name__)


@bp.get("/organisation")
def list_my_organisations() -> Response:
    page = paging()
    rows, total = list_organisations(db(), caller(), page)
    items = ORGANISATION.dump(rows, many=True)
    return json_response(ENVELOPE.dump(Page.of(items, total, page)))


@bp.get("/organisation/<slug>")
def get_organisation(slug: str) -> Response:
    return json_response(ORGANISATION.dump(organisation(slug)))
