"""``GET Organisation/{Slug}/Invoices``: the paged invoice list."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ..records.invoices import find_invoice, list_invoices
from ..records.writes import delete_invoice, save_invoice
from ..schemas.bodies import InvoiceBody
from ..schemas.query import InvoiceQuerySchema
from ..schemas.resources import ENVELOPE, INVOICE, Page, rendering
from . import (
    caller,
    db,
    json_body,
    json_response,
    local_now,
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


BODY = InvoiceBody()


def _saved(org: Any, invoice: Any) -> Response:
    with rendering(render_context(org)):
        return json_response(INVOICE.dump(invoice))


@bp.get("/<id:invoice_id>")
def get_invoice(slug: str, invoice_id: int) -> Response:
    org = organisation(slug)
    require_unrestricted("invoices")
    return _saved(org, find_invoice(db(), org, invoice_id))


@bp.put("")
def create_invoice(slug: str) -> Response:
    org = organisation(slug)
    require_unrestricted("invoices")
    invoice = save_invoice(db(), org, json_body(BODY), local_now(org), allow_update=False)
    return _saved(org, invoice)


@bp.post("")
@bp.post("/<id:invoice_id>")
def upsert_invoice(slug: str, invoice_id: int | None = None) -> Response:
    org = organisation(slug)
    require_unrestricted("invoices")
    invoice = save_invoice(
        db(), org, json_body(BODY), local_now(org), allow_update=True, path_id=invoice_id
    )
    return _saved(org, invoice)


@bp.delete("/<id:invoice_id>")
def remove_invoice(slug: str, invoice_id: int) -> Response:
    org = organisation(slug)
    require_unrestricted("invoices")
    delete_invoice(db(), org, invoice_id)
    return json_response({"message": f"Invoice {invoice_id} was deleted."})
