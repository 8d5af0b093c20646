"""``Organisation/{Slug}/Contacts``: the paged contact list and single contacts."""

from __future__ import annotations

from flask import Blueprint, Response

from ..errors import NotImplementedOperation
from ..records.contacts import get_contact, list_contacts
from ..schemas.query import ContactQuerySchema
from ..schemas.resources import CONTACT, CONTACT_ENVELOPE, Page, rendering
from . import caller, db, json_response, organisation, paging, query, render_context

bp = Blueprint("contacts", __name__, url_prefix="/organisation/<slug>/contacts")

LIST_QUERY = ContactQuerySchema()


@bp.get("")
def list_organisation_contacts(slug: str) -> Response:
    org = organisation(slug)
    filters = query(LIST_QUERY)
    page = paging()

    rows, total = list_contacts(db(), org, caller(), filters, page)
    with rendering(render_context(org)):
        items = [CONTACT.dump_contact(contact) for contact in rows]
    return json_response(CONTACT_ENVELOPE.dump(Page.of(items, total, page)))


@bp.get("/<id:contact_id>")
def get_organisation_contact(slug: str, contact_id: int) -> Response:
    org = organisation(slug)
    contact = get_contact(db(), org, caller(), contact_id)
    with rendering(render_context(org)):
        return json_response(CONTACT.dump_contact(contact))


@bp.route("", methods=["PUT", "POST"])
@bp.route("/<id:contact_id>", methods=["POST", "DELETE"])
def write_contact(slug: str, contact_id: int | None = None) -> Response:
    organisation(slug)
    raise NotImplementedOperation("writes to Contacts")
