"""Timer queries. Timers belong to a user, not to one organisation's URL space."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..auth import Identity
from ..store.models import Timer
from ..timezones import utc_to_local
from .timesheets import monday_of

RECENT_PAUSED_LIMIT = 10


def list_timers(
    session: Session, identity: Identity, now_utc: dt.datetime, organisation_id: int | None
) -> list[Timer]:
    """Return the caller's running timers, then the 10 most recently paused of this week.

    The vendor documents exactly this selection for ``GET Timers``. The week runs from Monday
    00:00 in the zone of each timer's organisation.
    """
    statement = (
        select(Timer)
        .options(
            joinedload(Timer.organisation),
            joinedload(Timer.user),
            joinedload(Timer.project),
            joinedload(Timer.stage),
            joinedload(Timer.task),
        )
        .where(
            Timer.user_id == identity.user.id, Timer.organisation_id.in_(identity.organisation_ids)
        )
    )
    if organisation_id is not None:
        statement = statement.where(Timer.organisation_id == organisation_id)

    running = session.scalars(
        statement.where(Timer.is_running.is_(True)).order_by(Timer.start_date.desc(), Timer.id)
    ).all()
    # Every zone's current week starts within the last eight UTC days; the exact local
    # boundary is applied per timer below.
    candidates = session.scalars(
        statement.where(
            Timer.is_running.is_(False),
            Timer.end_date.is_not(None),
            Timer.end_date >= now_utc - dt.timedelta(days=8),
            Timer.end_date <= now_utc,
        ).order_by(Timer.end_date.desc(), Timer.id)
    ).all()
    paused = [timer for timer in candidates if _ended_this_week(timer, now_utc)]
    return [*running, *paused[:RECENT_PAUSED_LIMIT]]


def _ended_this_week(timer: Timer, now_utc: dt.datetime) -> bool:
    zone = timer.organisation.timezone
    now_local = utc_to_local(now_utc, zone)
    week_start = dt.datetime.combine(monday_of(now_local.date()), dt.time())
    return timer.end_date is not None and utc_to_local(timer.end_date, zone) >= week_start
