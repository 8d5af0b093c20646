"""Timer queries. Timers belong to a user, not to one organisation's URL space."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..auth import Identity
from ..errors import BadRequest, NotFound, Unauthorized
from ..store.models import Project, Stage, Task, Timer
from ..timezones import utc_to_local
from .timesheets import monday_of

RECENT_PAUSED_LIMIT = 10


def start_timer(
    session: Session,
    identity: Identity,
    params: dict[str, Any],
    now_utc: dt.datetime,
    forbidden_status: int,
) -> Timer:
    """Start a timer for the caller, as ``POST Timers`` does; every parameter is optional."""
    organisation_id = params.get("organisationid") or identity.user.default_organisation_id
    if organisation_id not in identity.organisation_ids:
        raise Unauthorized(
            f"user is not a member of organisation {organisation_id}", status=forbidden_status
        )
    project_id = params.get("projectid") or None
    stage_id = params.get("stageid") or None
    task_id = params.get("taskid") or None
    _check_work(session, organisation_id, project_id, stage_id, task_id)
    group_id = params.get("groupid") or str(uuid.UUID(int=secrets.randbits(128), version=4))
    timer = Timer(
        organisation_id=organisation_id,
        user_id=identity.user.id,
        group_id=group_id,
        text=params.get("text") or "",
        start_date=now_utc,
        end_date=None,
        is_running=True,
        elapsed_seconds=params.get("duration") or 0,
        project_id=project_id,
        stage_id=stage_id,
        task_id=task_id,
    )
    session.add(timer)
    session.flush()
    return timer


def change_timer(
    session: Session, identity: Identity, group_id: str, action: str, now_utc: dt.datetime
) -> Timer:
    """Pause, resume or stop the caller's latest timer in group ``group_id``."""
    timer = session.scalar(
        select(Timer)
        # Paths are matched in lower case, so the group id is compared without case.
        .where(Timer.user_id == identity.user.id, func.lower(Timer.group_id) == group_id.lower())
        .order_by(Timer.start_date.desc(), Timer.id.desc())
    )
    if timer is None:
        raise NotFound(f"No timer with groupId {group_id} for this user.")
    if timer.is_stopped:
        raise BadRequest.for_field("groupId", f"Timer {group_id} is stopped; start a new one.")
    if action == "resume":
        if timer.is_running:
            raise BadRequest.for_field("groupId", f"Timer {group_id} is already running.")
        timer.is_running, timer.start_date, timer.end_date = True, now_utc, None
    else:
        if timer.is_running:
            timer.elapsed_seconds += max(0, int((now_utc - timer.start_date).total_seconds()))
            timer.is_running, timer.end_date = False, now_utc
        elif action == "pause":
            raise BadRequest.for_field("groupId", f"Timer {group_id} is already paused.")
        timer.is_stopped = action == "stop"
    session.flush()
    return timer


def _check_work(
    session: Session,
    organisation_id: int,
    project_id: int | None,
    stage_id: int | None,
    task_id: int | None,
) -> None:
    """Check that the project, stage and task exist in the organisation and belong together."""
    if (
        project_id is not None
        and session.scalar(
            select(Project.id).where(
                Project.id == project_id, Project.organisation_id == organisation_id
            )
        )
        is None
    ):
        raise BadRequest.for_field("ProjectId", f"No project {project_id} in this organisation.")
    if stage_id is not None:
        stage = session.get(Stage, stage_id)
        if stage is None or stage.project_id != project_id:
            raise BadRequest.for_field("StageId", f"No stage {stage_id} in project {project_id}.")
    if task_id is not None:
        task = session.get(Task, task_id)
        if task is None or task.stage_id != stage_id:
            raise BadRequest.for_field("TaskId", f"No task {task_id} in stage {stage_id}.")


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
            Timer.is_stopped.is_(False),
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
