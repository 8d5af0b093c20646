"""Daily call quotas per organisation, counted in the database so every worker shares them.

Each organisation has one row in ``quotas``. A call is admitted and counted by one conditional
UPDATE, so concurrent calls from any number of workers never admit more than the limit. The
quota day is the date in the quota time zone by the organisation's server clock. The first call
of a new day starts the counts again.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, insert, literal, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..store.models import Organisation, QuotaUsage

# Calls a day and, of those, calls to the Transactions API, by tier.
TIERS = {"standard": (300, 50), "premium": (60_000, 20_000)}


@dataclass(frozen=True)
class Window:
    """The quota day a moment falls in, and when that day ends (aware, in the quota zone)."""

    day: dt.date
    resets_at: dt.datetime
    seconds_left: int


def window(now_utc: dt.datetime, zone: str) -> Window:
    """Return the quota day containing ``now_utc`` (naive UTC) in the time zone ``zone``."""
    tz = ZoneInfo(zone)
    now = now_utc.replace(tzinfo=dt.UTC)
    local = now.astimezone(tz)
    next_midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tz)
    # In UTC, because subtracting two times of one zone ignores a daylight-saving change between.
    left = (next_midnight.astimezone(dt.UTC) - now).total_seconds()
    return Window(local.date(), next_midnight, max(1, math.ceil(left)))


@dataclass(frozen=True)
class Rejection:
    """Why a call was not admitted: which limit, its size, and when it resets."""

    limit: int
    transactions: bool
    window: Window

    @property
    def message(self) -> str:
        """Return the reply message: the ASP.NET throttling wording, then when it resets."""
        kind = " Transactions calls" if self.transactions else ""
        admitted = f"{self.limit}{kind} per Day"
        return (
            f"API calls quota exceeded! maximum admitted {admitted}. "
            f"The quota resets at {self.window.resets_at.isoformat()}."
        )


def _insert_missing(organisation_id: int) -> Any:
    """Return an INSERT of the organisation's quota row at its tier's limits, if it has none.

    It is one statement, so two workers racing to create the row cannot both insert it.
    """
    standard, premium = TIERS["standard"], TIERS["premium"]
    is_premium = Organisation.tier == "premium"
    source = select(
        Organisation.id,
        case((is_premium, premium[0]), else_=standard[0]),
        case((is_premium, premium[1]), else_=standard[1]),
        literal(True),
        literal(0),
        literal(0),
    ).where(
        Organisation.id == organisation_id,
        ~exists().where(QuotaUsage.organisation_id == organisation_id),
    )
    columns = [
        "organisation_id",
        "calls_limit",
        "transactions_limit",
        "enabled",
        "calls",
        "transactions",
    ]
    return insert(QuotaUsage).from_select(columns, source)


def ensure_row(session: Session, organisation_id: int) -> None:
    """Create the organisation's quota row unless it exists. Seeding creates every row."""
    session.execute(_insert_missing(organisation_id))


def spend(
    connection: Connection, organisation_id: int, *, transaction: bool, today: Window
) -> Rejection | None:
    """Count one call against the organisation's quota; return why not if it is used up.

    The count is committed at once on ``connection``, which must not be in a transaction, so a
    call counts even when it later fails.
    """
    for _ in range(3):
        if _try_spend(connection, organisation_id, transaction, today):
            return None
        with connection.begin():
            row = connection.execute(
                select(QuotaUsage).where(QuotaUsage.organisation_id == organisation_id)
            ).first()
        if row is None:
            try:
                with connection.begin():
                    connection.execute(_insert_missing(organisation_id))
            except IntegrityError:
                pass  # Another worker created it first.
            continue
        current = row.day in counted_days(today)
        calls = row.calls if current else 0
        transactions = row.transactions if current else 0
        if row.enabled and transaction and transactions >= row.transactions_limit:
            return Rejection(row.transactions_limit, True, today)
        if row.enabled and calls >= row.calls_limit:
            return Rejection(row.calls_limit, False, today)
    raise RuntimeError(f"Could not count a call for organisation {organisation_id}.")


# A call that read the clock this close to midnight may be counted after a call of the next day.
LATE_SECONDS = 60


def counted_days(today: Window) -> tuple[dt.date, ...]:
    """Return the stored quota days a call of ``today`` counts in, rather than starting afresh.

    Late in the day that includes the next day: a call that read the clock just before midnight
    and is counted after a call from just after it joins the new day instead of resetting it.
    Otherwise the day alone, so moving the clock back starts a fresh day.
    """
    if today.seconds_left <= LATE_SECONDS:
        return (today.day, today.day + dt.timedelta(days=1))
    return (today.day,)


def _try_spend(
    connection: Connection, organisation_id: int, transaction: bool, today: Window
) -> bool:
    same_day = QuotaUsage.day.in_(counted_days(today))
    used_calls = case((same_day, QuotaUsage.calls), else_=0)
    used_transactions = case((same_day, QuotaUsage.transactions), else_=0)
    room = used_calls < QuotaUsage.calls_limit
    if transaction:
        room = and_(room, used_transactions < QuotaUsage.transactions_limit)
    statement = (
        update(QuotaUsage)
        .where(
            QuotaUsage.organisation_id == organisation_id, or_(QuotaUsage.enabled.is_(False), room)
        )
        .values(
            calls=used_calls + 1,
            transactions=used_transactions + (1 if transaction else 0),
            day=case((same_day, QuotaUsage.day), else_=today.day),
        )
    )
    with connection.begin():
        result: Any = connection.execute(statement)
    return bool(result.rowcount == 1)


def usage(session: Session, organisation: Organisation, zone: str) -> dict[str, Any]:
    """Return the organisation's limits, use today and when the quota resets."""
    ensure_row(session, organisation.id)
    row = session.get(QuotaUsage, organisation.id)
    assert row is not None
    today = window(utcnow(session, organisation.id), zone)
    current = row.day == today.day
    calls = row.calls if current else 0
    transactions = row.transactions if current else 0
    return {
        "organisation": organisation.slug,
        "tier": organisation.tier,
        "enabled": row.enabled,
        "limits": {"calls": row.calls_limit, "transactions": row.transactions_limit},
        "used": {"calls": calls, "transactions": transactions},
        "remaining": {
            "calls": max(0, row.calls_limit - calls),
            "transactions": max(
                0, min(row.transactions_limit - transactions, row.calls_limit - calls)
            ),
        },
        "day": today.day.isoformat(),
        "resetsAt": today.resets_at.isoformat(),
        "timezone": zone,
    }


def change(
    session: Session,
    organisation: Organisation,
    changes: dict[str, Any],
    zone: str,
) -> None:
    """Apply control-plane changes to one organisation's quota, in a fixed order.

    The order is: tier, limits, enabled, reset, remaining, exhaust. ``changes`` is validated.
    """
    ensure_row(session, organisation.id)
    row = session.get(QuotaUsage, organisation.id)
    assert row is not None
    today = window(utcnow(session, organisation.id), zone).day
    if row.day != today:
        row.day, row.calls, row.transactions = today, 0, 0
    if "tier" in changes:
        organisation.tier = changes["tier"]
        row.calls_limit, row.transactions_limit = TIERS[changes["tier"]]
    if "calls_limit" in changes:
        row.calls_limit = changes["calls_limit"]
    if "transactions_limit" in changes:
        row.transactions_limit = changes["transactions_limit"]
    if "enabled" in changes:
        row.enabled = changes["enabled"]
    if changes.get("reset"):
        row.calls, row.transactions = 0, 0
    if "remaining" in changes:
        row.calls = max(0, row.calls_limit - changes["remaining"])
    if "transactions_remaining" in changes:
        row.transactions = max(0, row.transactions_limit - changes["transactions_remaining"])
    exhaust = changes.get("exhaust")
    if exhaust == "transactions":
        row.transactions = row.transactions_limit
    elif exhaust:
        row.calls = row.calls_limit
    session.flush()
