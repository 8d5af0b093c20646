"""The server clock: every "now" in the emulator comes from here.

The clock lives in the database so every worker process agrees on it. It is real UTC time plus a
stored offset, or a frozen instant. An organisation may have a clock row of its own, which then
wins over the global row.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import ClockState


def real_utcnow() -> dt.datetime:
    """Return the machine's current UTC time as a naive datetime."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _state(session: Session, organisation_id: int | None) -> ClockState | None:
    if organisation_id is not None:
        own = session.scalar(
            select(ClockState).where(ClockState.organisation_id == organisation_id)
        )
        if own is not None:
            return own
    return session.scalar(select(ClockState).where(ClockState.organisation_id.is_(None)))


def utcnow(session: Session, organisation_id: int | None = None) -> dt.datetime:
    """Return the server's current time as naive UTC, for one organisation or globally."""
    state = _state(session, organisation_id)
    if state is None:
        return real_utcnow()
    if state.frozen_at is not None:
        return state.frozen_at
    return real_utcnow() + dt.timedelta(microseconds=state.offset_microseconds)


def start_at(session: Session, instant: dt.datetime, frozen: bool = False) -> None:
    """Set the global clock so that "now" is ``instant`` (naive UTC), running or frozen."""
    state = session.scalar(select(ClockState).where(ClockState.organisation_id.is_(None)))
    if state is None:
        state = ClockState(organisation_id=None)
        session.add(state)
    offset = instant - real_utcnow()
    state.offset_microseconds = offset // dt.timedelta(microseconds=1)
    state.frozen_at = instant if frozen else None
