"""``GET Organisation/{Slug}/Invoices``: the paged invoice list."""

from __future__ import annotations

from flask import Blueprint, Response

from ..records.invoices import list_invoices
from ..schemas.query import InvoiceQuerySchema
from ..schemas.resources import ENVELOPE, INVOICE, Page, rendering
from . import (
    caller,
    db,
    json_response,
    organisation,
    paging,
    query,
    render_context,
    require_unrestricted,
)

bp = Blueprint("invoices", __name__, url_prefix="/organisation/<slug>/invoices")

LIST_QUERY = InvoiceQuerySchema()


@bp.get("")
def list_organisation_invoices(slug: str) -> Response:
    org = organisation(slug)
    require_unrestricted("invoices")
    filters = query(LIST_QUERY)
    page = paging()

    rows, total = list_invoices(db(), org, caller().user.security_level, filters, page)
    with rendering(render_context(org)):
        items = INVOICE.dump(rows, many=True)
    return json_response(ENVELOPE.dump(Page.of(items, total, page)))
