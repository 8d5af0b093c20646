"""Record services: the queries behind each read route, free of any HTTP concerns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..schemas.query import PageRequest
from ..store.models import Organisation
from ..timezones import utc_to_local


def fetch_page(
    session: Session, statement: Select[Any], page: PageRequest
) -> tuple[list[Any], int]:
    """Return one page of ``statement``'s rows and the total number of matches."""
    total = int(
        session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    )
    offset = (page.number - 1) * page.size
    if offset >= total:
        # Past the end: no rows, and no offset too large for the database to take.
        return [], total
    rows = session.scalars(statement.limit(page.size).offset(offset)).all()
    return list(rows), total


def local_bound(utc_value: dt.datetime | None, organisation: Organisation) -> dt.datetime | None:
    """Convert a UTC date filter to the organisation's local time, in which records are stored."""
    if utc_value is None:
        return None
    return utc_to_local(utc_value, organisation.timezone)


def given(filters: dict[str, Any], name: str) -> bool:
    """Return whether the caller sent filter ``name``."""
    return filters.get(name) is not None
