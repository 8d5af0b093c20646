"""Invoice queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..schemas.query import PageRequest
from ..store.models import Contact, Invoice, InvoiceContact, Organisation
from . import fetch_page, given


def list_invoices(
    session: Session, organisation: Organisation, filters: dict[str, Any], page: PageRequest
) -> tuple[list[Invoice], int]:
    """Return one page of the organisation's invoices matching ``filters``, and the total."""
    statement = (
        select(Invoice)
        .options(
            joinedload(Invoice.project),
            selectinload(Invoice.contacts).joinedload(InvoiceContact.contact),
            selectinload(Invoice.contacts).joinedload(InvoiceContact.attention_contact),
        )
        .where(Invoice.organisation_id == organisation.id)
    )
    if given(filters, "organisationid") and filters["organisationid"] != organisation.id:
        statement = statement.where(false())
    if given(filters, "projectid"):
        statement = statement.where(Invoice.project_id == filters["projectid"])
    if given(filters, "contactid"):
        statement = statement.where(
            Invoice.contacts.any(InvoiceContact.contact_id == filters["contactid"])
        )
    if given(filters, "contactemail"):
        email = filters["contactemail"].strip().lower()
        statement = statement.where(
            Invoice.contacts.any(InvoiceContact.contact.has(func.lower(Contact.email) == email))
        )
    return fetch_page(session, statement.order_by(Invoice.id), page)
