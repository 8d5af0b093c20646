"""Invoice queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..errors import NotFound
from ..schemas.query import PageRequest
from ..store.models import Contact, Invoice, InvoiceContact, Organisation
from . import fetch_page, given


def list_invoices(
    session: Session,
    organisation: Organisation,
    security_level: int,
    filters: dict[str, Any],
    page: PageRequest,
) -> tuple[list[Invoice], int]:
    """Return one page of the organisation's invoices matching ``filters``, and the total.

    The contact filters match only contacts visible at ``security_level``.
    """
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
            Invoice.contacts.any(
                InvoiceContact.contact.has(
                    (Contact.id == filters["contactid"])
                    & (Contact.security_level <= security_level)
                )
            )
        )
    if given(filters, "contactemail"):
        email = filters["contactemail"].strip().lower()
        statement = statement.where(
            Invoice.contacts.any(
                InvoiceContact.contact.has(
                    (func.lower(Contact.email) == email)
                    & (Contact.security_level <= security_level)
                )
            )
        )
    return fetch_page(session, statement.order_by(Invoice.id), page)


def find_invoice(session: Session, organisation: Organisation, invoice_id: int) -> Invoice:
    """Return one of the organisation's invoices, or raise 404."""
    invoice = session.scalar(
        select(Invoice).where(Invoice.id == invoice_id, Invoice.organisation_id == organisation.id)
    )
    if invoice is None:
        raise NotFound(f"Invoice {invoice_id} was not found.")
    return invoice
