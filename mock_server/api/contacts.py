"""``Organisation/{Slug}/Contacts``: the paged contact list and single contacts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ..records.contacts import get_contact, list_contacts
from ..records.writes import delete_contact, save_contact
from ..schemas.bodies import ContactBody
from ..schemas.query import ContactQuerySchema
from ..schemas.resources import CONTACT, CONTACT_ENVELOPE, Page, rendering
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


BODY = ContactBody()


def _saved(org: Any, contact: Any) -> Response:
    with rendering(render_context(org)):
        return json_response(CONTACT.dump_contact(contact))


@bp.put("")
def create_contact(slug: str) -> Response:
    org = organisation(slug)
    require_unrestricted("writes")
    contact, _ = save_contact(db(), org, json_body(BODY), local_now(org), allow_update=False)
    return _saved(org, contact)


@bp.post("")
@bp.post("/<id:contact_id>")
def upsert_contact(slug: str, contact_id: int | None = None) -> Response:
    org = organisation(slug)
    require_unrestricted("writes")
    contact, _ = save_contact(
        db(), org, json_body(BODY), local_now(org), allow_update=True, path_id=contact_id
    )
    return _saved(org, contact)


@bp.delete("/<id:contact_id>")
def remove_contact(slug: str, contact_id: int) -> Response:
    org = organisation(slug)
    require_unrestricted("writes")
    delete_contact(db(), org, contact_id)
    return json_response({"message": f"Contact {contact_id} was deleted."})
