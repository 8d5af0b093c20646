"""Contact and staff queries. Staff are contacts of kind ``staff`` with a staff profile."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from ..auth import Identity
from ..errors import NotFound
from ..schemas.query import PageRequest
from ..store.models import Contact, Organisation, StaffProfile
from . import fetch_page, given, local_bound

KIND_FLAGS = {
    "company": "showcompany",
    "personnel": "showpersonnel",
    "individual": "showindividual",
    "staff": "showstaff",
}


def _visible(statement: Select[Any], organisation: Organisation, identity: Identity) -> Select[Any]:
    """Limit contacts to the organisation and to the caller's security level."""
    return statement.where(
        Contact.organisation_id == organisation.id,
        Contact.security_level <= identity.user.security_level,
    )


def _dated(
    statement: Select[Any], organisation: Organisation, filters: dict[str, Any]
) -> Select[Any]:
    if given(filters, "updateddate"):
        statement = statement.where(
            Contact.updated_date >= local_bound(filters["updateddate"], organisation)
        )
    if given(filters, "createddate"):
        statement = statement.where(
            Contact.created_date >= local_bound(filters["createddate"], organisation)
        )
    return statement


def list_contacts(
    session: Session,
    organisation: Organisation,
    identity: Identity,
    filters: dict[str, Any],
    page: PageRequest,
) -> tuple[list[Contact], int]:
    """Return one page of matching contacts; each kind is included unless its flag is false."""
    kinds = [kind for kind, flag in KIND_FLAGS.items() if filters.get(flag) is not False]
    statement = _visible(select(Contact), organisation, identity).where(Contact.kind.in_(kinds))
    if given(filters, "minsecuritylevel"):
        statement = statement.where(Contact.security_level >= filters["minsecuritylevel"])
    statement = _dated(statement, organisation, filters)
    return fetch_page(session, statement.order_by(Contact.id), page)


def get_contact(
    session: Session, organisation: Organisation, identity: Identity, contact_id: int
) -> Contact:
    """Return one contact the caller may see, or raise :class:`NotFound`."""
    statement = _visible(select(Contact), organisation, identity).where(Contact.id == contact_id)
    contact = session.scalar(statement)
    if not isinstance(contact, Contact):
        raise NotFound(f"Contact {contact_id} was not found.")
    return contact


def list_staff(
    session: Session, organisation: Organisation, filters: dict[str, Any]
) -> list[StaffProfile]:
    """Return every staff member matching ``filters``, ordered by id."""
    if given(filters, "organisationid") and filters["organisationid"] != organisation.id:
        return []
    statement = (
        select(StaffProfile)
        .join(StaffProfile.contact)
        .options(
            joinedload(StaffProfile.contact),
            joinedload(StaffProfile.rate),
            joinedload(StaffProfile.reports_to),
        )
        .where(Contact.organisation_id == organisation.id)
    )
    if given(filters, "canbeamanager"):
        statement = statement.where(StaffProfile.can_be_a_manager.is_(filters["canbeamanager"]))
    if given(filters, "isdefault"):
        statement = statement.where(StaffProfile.is_default.is_(filters["isdefault"]))
    if filters.get("excludenoemails"):
        statement = statement.where(Contact.email.is_not(None), Contact.email != "")
    statement = _dated(statement, organisation, filters)
    return list(session.scalars(statement.order_by(Contact.id)).unique())


def get_staff_member(session: Session, organisation: Organisation, staff_id: int) -> Contact:
    """Return the staff contact ``staff_id`` of the organisation, or raise :class:`NotFound`."""
    contact = session.scalar(
        select(Contact)
        .options(joinedload(Contact.staff).joinedload(StaffProfile.rate))
        .where(
            Contact.id == staff_id,
            Contact.organisation_id == organisation.id,
            Contact.kind == "staff",
        )
    )
    if contact is None:
        raise NotFound(f"Staff member {staff_id} was not found.")
    return contact
