"""The Transactions API: hours written for a staff member, which show up in Timesheet/Week."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import BadRequest, Problems
from ..schemas.query import PageRequest
from ..store.models import (
    Contact,
    Organisation,
    Project,
    Stage,
    Task,
    TimesheetRow,
    TransactionRecord,
)
from . import fetch_page
from .timesheets import DAYS, monday_of, new_row

MAX_DAYS = 31
MAX_HOURS_A_DAY = 24


def _check(session: Session, organisation: Organisation, body: dict[str, Any]) -> None:
    """Raise one 400 naming every member that does not fit the organisation or the dates."""
    problems = Problems()
    staff = session.scalar(
        select(Contact.id).where(
            Contact.id == body["staffId"],
            Contact.organisation_id == organisation.id,
            Contact.kind == "staff",
        )
    )
    if staff is None:
        problems.add("staffId", f"No staff member {body['staffId']} in this organisation.")
    project = session.scalar(
        select(Project.id).where(
            Project.id == body["projectId"], Project.organisation_id == organisation.id
        )
    )
    stage = session.get(Stage, body["stageId"])
    task_id = body.get("taskId")
    task = session.get(Task, task_id) if task_id else None
    if project is None:
        problems.add("projectId", f"No project {body['projectId']} in this organisation.")
    elif stage is None or stage.project_id != body["projectId"]:
        problems.add("stageId", f"No stage {body['stageId']} in project {body['projectId']}.")
    elif task_id and (task is None or task.stage_id != body["stageId"]):
        problems.add("taskId", f"No task {task_id} in stage {body['stageId']}.")

    first = body["fromDateAsInt"]
    last = body.get("toDateAsInt") or first
    if last < first:
        problems.add("toDateAsInt", "toDateAsInt must not be before fromDateAsInt.")
    elif (last - first).days >= MAX_DAYS:
        problems.add("toDateAsInt", f"A transaction spans at most {MAX_DAYS} days.")
    problems.raise_any()


def record_transaction(
    session: Session, organisation: Organisation, body: dict[str, Any], now: dt.datetime
) -> TransactionRecord:
    """Add ``units`` hours for each day from ``fromDateAsInt`` to ``toDateAsInt``."""
    _check(session, organisation, body)
    first = body["fromDateAsInt"]
    last = body.get("toDateAsInt") or first

    task_id = body.get("taskId") or None
    row = None
    day = first
    while day <= last:
        row = _row_for(session, organisation, body, task_id, monday_of(day))
        column = DAYS[day.weekday()]
        total = round((getattr(row, column) or 0) + body["units"], 2)
        if total > MAX_HOURS_A_DAY:
            raise BadRequest.for_field(
                "units",
                f"{day.isoformat()} would have {total:g} hours on this row; "
                f"a day holds at most {MAX_HOURS_A_DAY}.",
            )
        setattr(row, column, total)
        day += dt.timedelta(days=1)
    session.flush()
    record = TransactionRecord(
        organisation_id=organisation.id,
        staff_id=body["staffId"],
        project_id=body["projectId"],
        stage_id=body["stageId"],
        task_id=task_id,
        from_date=first,
        to_date=last,
        units=body["units"],
        timesheet_row_id=row.id if row else None,
        created_date=now,
    )
    session.add(record)
    session.flush()
    return record


def _row_for(
    session: Session,
    organisation: Organisation,
    body: dict[str, Any],
    task_id: int | None,
    monday: dt.date,
) -> TimesheetRow:
    """Return the staff member's row for this work in this week, creating it if needed."""
    row = session.scalar(
        select(TimesheetRow).where(
            TimesheetRow.staff_id == body["staffId"],
            TimesheetRow.week_start == monday,
            TimesheetRow.project_id == body["projectId"],
            TimesheetRow.stage_id == body["stageId"],
            TimesheetRow.task_id.is_(None) if task_id is None else TimesheetRow.task_id == task_id,
            TimesheetRow.locked.is_(False),
        )
    )
    if row is None:
        group_id = str(
            uuid.uuid5(
                uuid.NAMESPACE_URL,
                f"{body['staffId']}/{monday}/{body['projectId']}/{body['stageId']}/{task_id}",
            )
        )
        # The derived id is taken when an earlier row for this work was approved or moved.
        in_use = select(TimesheetRow.id).where(
            TimesheetRow.organisation_id == organisation.id, TimesheetRow.group_id == group_id
        )
        if session.scalar(in_use):
            group_id = str(uuid.uuid4())
        row = new_row(session, organisation, body["staffId"], group_id)
        row.week_start = monday
        row.project_id = body["projectId"]
        row.stage_id = body["stageId"]
        row.task_id = task_id
        session.add(row)
        session.flush()
    return row


def list_transactions(
    session: Session, organisation: Organisation, page: PageRequest
) -> tuple[list[TransactionRecord], int]:
    """Return one page of the organisation's transactions, oldest first."""
    statement = (
        select(TransactionRecord)
        .where(TransactionRecord.organisation_id == organisation.id)
        .order_by(TransactionRecord.id)
    )
    return fetch_page(session, statement, page)
