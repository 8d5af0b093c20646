"""``Organisation/{Slug}/Transactions``: write hours, and list what was written."""

from __future__ import annotations

from flask import Blueprint, Response

from ..records.transactions import list_transactions, record_transaction
from ..schemas.bodies import TransactionBody
from ..schemas.resources import ENVELOPE, TRANSACTION, Page
from . import db, json_body, json_response, local_now, organisation, paging, require_unrestricted

bp = Blueprint("transactions", __name__, url_prefix="/organisation/<slug>/transactions")

BODY = TransactionBody()


@bp.get("")
def list_organisation_transactions(slug: str) -> Response:
    org = organisation(slug)
    page = paging()
    rows, total = list_transactions(db(), org, page)
    return json_response(ENVELOPE.dump(Page.of(TRANSACTION.dump(rows, many=True), total, page)))


@bp.post("")
def create_transaction(slug: str) -> Response:
    org = organisation(slug)
    require_unrestricted("transactions")
    record = record_transaction(db(), org, json_body(BODY), local_now(org))
    return json_response(TRANSACTION.dump(record))
