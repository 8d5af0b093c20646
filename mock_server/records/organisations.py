"""Organisation queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth import Identity
from ..schemas.query import PageRequest
from ..store.models import Organisation
from . import fetch_page


def list_organisations(
    session: Session, identity: Identity, page: PageRequest
) -> tuple[list[Organisation], int]:
    """Return one page of the organisations the caller belongs to, and the total."""
    statement = (
        select(Organisation)
        .where(Organisation.id.in_(identity.organisation_ids))
        .order_by(Organisation.id)
    )
    return fetch_page(session, statement, page)
