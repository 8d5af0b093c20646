"""Timesheets: one staff member's week, and writes to its rows."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..errors import BadRequest, NotFound, Problems, Unauthorized
from ..schemas.resources import TimesheetWeek
from ..store.models import Contact, Organisation, Project, Stage, Task, TimesheetRow


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


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A row written through the API starts as a draft, like the current week's rows in the seed.
DRAFT_STATUS = (10, "Draft")


def find_time_row(session: Session, organisation: Organisation, group_id: str) -> TimesheetRow:
    """Return the organisation's timesheet row with this ``groupId``, or raise 404."""
    row = session.scalar(
        select(TimesheetRow).where(
            TimesheetRow.organisation_id == organisation.id,
            func.lower(TimesheetRow.group_id) == group_id.lower(),
        )
    )
    if row is None:
        raise NotFound(f"No timesheet row with groupId {group_id}.")
    return row


def save_time_row(
    session: Session,
    organisation: Organisation,
    body: dict[str, Any],
    *,
    own_staff_id: int | None,
    only_own: int | None,
    allow_update: bool,
    path_group_id: str | None = None,
) -> TimesheetRow:
    """Create a row in a staff member's week, or update the one named by ``groupId``.

    With ``only_own`` set (a forbidden status), the caller may write only their own time.
    Approved rows are locked.
    """
    # PUT always creates, so it ignores a groupId in the body, as the other writes ignore ``id``.
    group_id = path_group_id or (str(body["groupId"]) if body.get("groupId") else None)
    if not allow_update:
        group_id = None
    row = None
    if group_id is not None:
        try:
            row = find_time_row(session, organisation, group_id)
        except NotFound:
            if path_group_id is not None:
                raise
    if only_own and row is not None and row.staff_id != own_staff_id:
        raise _not_own(only_own)
    problems = Problems()
    if row is not None and row.locked:
        problems.add("groupId", f"Row {row.group_id} is {row.status.lower()} and locked.")
    if row is None:
        for name in ("dateAsInt", "projectId", "stageId"):
            if body.get(name) is None:
                problems.add(name, "The field is required.")
        if body.get("staffId") is None and own_staff_id is None:
            problems.add("staffId", "The field is required; the caller has no timesheet.")

    staff_id = body.get("staffId") or (row.staff_id if row else own_staff_id)
    project_id = body.get("projectId") or (row.project_id if row else None)
    stage_id = body.get("stageId") or (row.stage_id if row else None)
    if "taskId" in body:
        task_id = body["taskId"]
    else:
        task_id = row.task_id if row else None
    _check_work(session, organisation, problems, staff_id, project_id, stage_id, task_id or None)
    problems.raise_any()
    # The required-field checks above make these present.
    assert staff_id is not None
    assert project_id is not None
    assert stage_id is not None

    writes_other = staff_id != own_staff_id or (row is not None and row.staff_id != own_staff_id)
    if only_own and writes_other:
        raise _not_own(only_own)

    if row is None:
        row = new_row(session, organisation, staff_id, group_id)
        session.add(row)
    row.staff_id = staff_id
    row.project_id = project_id
    row.stage_id = stage_id
    row.task_id = task_id or None
    if body.get("dateAsInt") is not None:
        row.week_start = monday_of(body["dateAsInt"])
    if "note" in body:
        row.note = body["note"] or ""
    for day in DAYS:
        if day in body:
            setattr(row, day, round(body[day], 2))
    session.flush()
    session.refresh(row)
    return row


def _not_own(status: int) -> Unauthorized:
    return Unauthorized("access level too low for another staff member's timesheet", status=status)


def _check_work(
    session: Session,
    organisation: Organisation,
    problems: Problems,
    staff_id: int | None,
    project_id: int | None,
    stage_id: int | None,
    task_id: int | None,
) -> None:
    """Record a problem for each of the staff member, project, stage and task that do not fit."""
    if staff_id is not None and not session.scalar(
        select(Contact.id).where(
            Contact.id == staff_id,
            Contact.organisation_id == organisation.id,
            Contact.kind == "staff",
        )
    ):
        problems.add("staffId", f"No staff member {staff_id} in this organisation.")
    if project_id is not None and not session.scalar(
        select(Project.id).where(
            Project.id == project_id, Project.organisation_id == organisation.id
        )
    ):
        problems.add("projectId", f"No project {project_id} in this organisation.")
        return
    stage = session.get(Stage, stage_id) if stage_id is not None else None
    if stage_id is not None and (stage is None or stage.project_id != project_id):
        problems.add("stageId", f"No stage {stage_id} in project {project_id}.")
        return
    task = session.get(Task, task_id) if task_id else None
    if task_id and (task is None or task.stage_id != stage_id):
        problems.add("taskId", f"No task {task_id} in stage {stage_id}.")


def new_row(
    session: Session, organisation: Organisation, staff_id: int, group_id: str | None
) -> TimesheetRow:
    """Return an empty draft row for ``staff_id`` at the staff member's rate, not yet added."""
    staff = session.get(Contact, staff_id)
    return TimesheetRow(
        organisation_id=organisation.id,
        staff_id=staff_id,
        group_id=(group_id or str(uuid.uuid4())).lower(),
        rate_id=staff.staff.rate_id if staff is not None and staff.staff else None,
        overtime_id=1,
        overtime="Standard",
        note="",
        locked=False,
        status_id=DRAFT_STATUS[0],
        status=DRAFT_STATUS[1],
        **dict.fromkeys(DAYS, 0.0),
    )


def delete_time_row(
    session: Session,
    organisation: Organisation,
    group_id: str,
    *,
    own_staff_id: int | None,
    only_own: int | None,
) -> None:
    """Delete a row of a week; raise 404 if missing and 400 if it is locked."""
    row = find_time_row(session, organisation, group_id)
    if only_own and row.staff_id != own_staff_id:
        raise _not_own(only_own)
    if row.locked:
        raise BadRequest.for_field(
            "groupId", f"Row {row.group_id} is {row.status.lower()} and locked."
        )
    session.delete(row)
    session.flush()
