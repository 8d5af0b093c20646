"""Timesheet queries: one staff member's week."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..schemas.resources import TimesheetWeek
from ..store.models import Contact, Organisation, Stage, TimesheetRow


def monday_of(day: dt.date) -> dt.date:
    """Return the Monday that starts ``day``'s week; the real API's weeks start on Monday."""
    return day - dt.timedelta(days=day.weekday())


def get_week(
    session: Session, organisation: Organisation, staff: Contact, day: dt.date
) -> TimesheetWeek:
    """Return ``staff``'s week containing ``day``; a week with no rows has an empty ``rows``."""
    monday = monday_of(day)
    rows = session.scalars(
        select(TimesheetRow)
        .options(
            joinedload(TimesheetRow.project),
            joinedload(TimesheetRow.stage).load_only(Stage.name, Stage.phase),
            joinedload(TimesheetRow.task),
            joinedload(TimesheetRow.rate),
        )
        .where(
            TimesheetRow.organisation_id == organisation.id,
            TimesheetRow.staff_id == staff.id,
            TimesheetRow.week_start == monday,
        )
        .order_by(TimesheetRow.id)
    ).all()
    has_rate = staff.staff is not None and staff.staff.rate_id is not None
    return TimesheetWeek(staff=staff, monday=monday, rows=list(rows), has_primary_rate=has_rate)
