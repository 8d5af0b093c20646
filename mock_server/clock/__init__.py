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
    """Return the organisation's own clock row if it has one, else the global row, in one query."""
    statement = select(ClockState).where(ClockState.organisation_id.is_(None))
    if organisation_id is not None:
        statement = select(ClockState).where(
            (ClockState.organisation_id == organisation_id) | ClockState.organisation_id.is_(None)
        )
    rows = session.scalars(statement).all()
    own = [row for row in rows if row.organisation_id is not None]
    if own:
        return own[0]
    return rows[0] if rows else None


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


def state_for(session: Session, organisation_id: int | None) -> ClockState:
    """Return the clock row of one organisation (or the global row), creating it from the global."""
    state = session.scalar(
        select(ClockState).where(
            ClockState.organisation_id.is_(None)
            if organisation_id is None
            else ClockState.organisation_id == organisation_id
        )
    )
    if state is not None:
        return state
    reading = utcnow(session, organisation_id)
    frozen = _state(session, None)
    state = ClockState(organisation_id=organisation_id)
    session.add(state)
    _set(state, reading, frozen is not None and frozen.frozen_at is not None)
    return state


def _set(state: ClockState, instant: dt.datetime, frozen: bool) -> None:
    state.offset_microseconds = (instant - real_utcnow()) // dt.timedelta(microseconds=1)
    state.frozen_at = instant if frozen else None


def start_organisation(session: Session, organisation_id: int, instant: dt.datetime) -> None:
    """Give an organisation a running clock of its own that reads ``instant`` now."""
    state = ClockState(organisation_id=organisation_id)
    session.add(state)
    _set(state, instant, frozen=False)


def set_time(session: Session, instant: dt.datetime, organisation_id: int | None = None) -> None:
    """Make "now" ``instant`` (naive UTC), keeping the clock frozen or running as it was."""
    state = state_for(session, organisation_id)
    _set(state, instant, state.frozen_at is not None)


def advance(session: Session, seconds: float, organisation_id: int | None = None) -> None:
    """Move the clock on by ``seconds`` (negative moves it back)."""
    state = state_for(session, organisation_id)
    delta = dt.timedelta(seconds=seconds)
    if state.frozen_at is not None:
        state.frozen_at += delta
    else:
        state.offset_microseconds += delta // dt.timedelta(microseconds=1)


def freeze(session: Session, frozen: bool, organisation_id: int | None = None) -> None:
    """Stop the clock at the current instant, or let it run on from its current reading."""
    state = state_for(session, organisation_id)
    _set(state, utcnow(session, organisation_id), frozen)


def readings(session: Session) -> list[dict[str, object]]:
    """Return every clock row's current reading, to rewind to after a restore."""
    rows = session.scalars(select(ClockState)).all()
    return [
        {
            "organisation_id": row.organisation_id,
            "now": utcnow(session, row.organisation_id).isoformat(),
            "frozen": row.frozen_at is not None,
        }
        for row in rows
    ]


def rewind(session: Session, captured: list[dict[str, object]]) -> None:
    """Set every clock back to the readings taken by :func:`readings`."""
    for reading in captured:
        organisation_id = reading["organisation_id"]
        assert organisation_id is None or isinstance(organisation_id, int)
        state = state_for(session, organisation_id)
        _set(state, dt.datetime.fromisoformat(str(reading["now"])), bool(reading["frozen"]))


def is_frozen(session: Session, organisation_id: int | None = None) -> bool:
    """Return whether the clock that applies to ``organisation_id`` is frozen."""
    state = _state(session, organisation_id)
    return state is not None and state.frozen_at is not None
