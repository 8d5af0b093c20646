"""The request journal: every call to the emulated API, kept in the database for tests to query."""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..store.models import JournalEntry

SECRET_HEADERS = ("access-token", "authorization", "cookie", "x-synergy-mock-control-token")


def mask(value: str) -> str:
    """Hide a secret but keep enough to tell two apart: ``eyJ0…N7g (241 characters)``."""
    if len(value) <= 12:
        return "***"
    return f"{value[:4]}…{value[-3:]} ({len(value)} characters)"


def masked_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    """Return request headers by lower-case name, with secret values masked."""
    result: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        result[key] = mask(value) if key in SECRET_HEADERS else value
    return result


@dataclass(frozen=True)
class Recorded:
    """One request as the API layer saw it."""

    organisation_id: int | None
    organisation_slug: str | None
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str | None
    status: int
    received_at: dt.datetime
    duration_ms: float
    fault: str | None = None


def record(session: Session, entry: Recorded, max_rows: int) -> None:
    """Store ``entry`` and drop the oldest rows beyond ``max_rows``."""
    row = JournalEntry(**entry.__dict__)
    session.add(row)
    session.flush()
    session.execute(delete(JournalEntry).where(JournalEntry.id <= row.id - max_rows))


def query(
    session: Session,
    *,
    method: str | None = None,
    path: str | None = None,
    status: int | None = None,
    organisation_id: int | None = None,
    since: dt.datetime | None = None,
    limit: int = 1000,
) -> list[JournalEntry]:
    """Return matching journal rows, oldest first.

    ``path`` is a pattern with ``*`` and ``?``, as :func:`path_matches` applies it.
    """
    statement = select(JournalEntry)
    if method:
        statement = statement.where(func.upper(JournalEntry.method) == method.upper())
    if status is not None:
        statement = statement.where(JournalEntry.status == status)
    if organisation_id is not None:
        statement = statement.where(JournalEntry.organisation_id == organisation_id)
    if since is not None:
        statement = statement.where(JournalEntry.received_at >= since)
    rows = list(session.scalars(statement.order_by(JournalEntry.id.desc()).limit(limit)))
    rows.reverse()
    if path:
        rows = [row for row in rows if path_matches(row.path, path)]
    return rows


def path_matches(path: str, pattern: str) -> bool:
    """Return whether ``pattern`` matches ``path`` whole, or its last segments, ignoring case.

    ``*`` and ``?`` are wildcards, so ``Organisation/acme/Projects`` and ``*/Projects`` both match
    ``/api/v2/Organisation/acme/Projects``. A trailing slash on either side is ignored.
    """
    target = path.lower().rstrip("/")
    expected = pattern.lower().rstrip("/")
    return fnmatch.fnmatchcase(target, expected) or fnmatch.fnmatchcase(
        target, "*/" + expected.lstrip("/")
    )


def clear(session: Session, organisation_id: int | None = None) -> int:
    """Delete journal rows, of one organisation or all; return how many went."""
    statement = delete(JournalEntry)
    if organisation_id is not None:
        statement = statement.where(JournalEntry.organisation_id == organisation_id)
    result: Any = session.execute(statement)
    return int(result.rowcount or 0)


def as_dict(row: JournalEntry) -> dict[str, Any]:
    """Return a journal row as the control plane writes it."""
    return {
        "id": row.id,
        "method": row.method,
        "path": row.path,
        "query": row.query,
        "headers": row.headers,
        "body": row.body,
        "status": row.status,
        "organisation": row.organisation_slug,
        "receivedAt": row.received_at.isoformat() + "Z",
        "durationMs": round(row.duration_ms, 3),
        "fault": row.fault,
    }
