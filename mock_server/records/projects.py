"""Project queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..errors import NotFound
from ..schemas.query import PageRequest
from ..store.models import Invoice, Organisation, Project
from . import fetch_page, given, local_bound


def _loaded(include_custom_fields: bool) -> Select[Any]:
    options = [
        joinedload(Project.organisation),
        joinedload(Project.primary_contact),
        joinedload(Project.manager),
    ]
    if include_custom_fields:
        options.append(selectinload(Project.custom_fields))
    return select(Project).options(*options)


def list_projects(
    session: Session,
    organisation: Organisation,
    filters: dict[str, Any],
    page: PageRequest,
    *,
    active_only_default: bool,
    live_like_filters: bool,
) -> tuple[list[Project], int]:
    """Return one page of the organisation's projects matching ``filters``, and the total."""
    statement = _loaded(bool(filters.get("includecustomfields"))).where(
        Project.organisation_id == organisation.id
    )
    honoured_status_filters = [] if live_like_filters else ["isactive", "statuses"]
    lifting = ["id", "statustypeid", *honoured_status_filters]
    # Live, only active projects come back unless the caller filters by status. An id names one
    # project, so it finds that project whatever its status.
    if active_only_default and not any(given(filters, name) for name in lifting):
        statement = statement.where(Project.is_active.is_(True))

    if given(filters, "id"):
        statement = statement.where(Project.id == filters["id"])
    if given(filters, "statustypeid"):
        statement = statement.where(Project.status_type_id == filters["statustypeid"])
    if given(filters, "managerid"):
        statement = statement.where(Project.manager_id == filters["managerid"])
    if given(filters, "isdefault"):
        statement = statement.where(Project.is_default.is_(filters["isdefault"]))
    if given(filters, "updateddate"):
        statement = statement.where(
            Project.updated_date >= local_bound(filters["updateddate"], organisation)
        )
    if given(filters, "createddate"):
        statement = statement.where(
            Project.created_date >= local_bound(filters["createddate"], organisation)
        )
    for name in ("projectnumber", "number"):
        if given(filters, name):
            statement = statement.where(Project.number_key == filters[name].lower())
    if not live_like_filters and given(filters, "isactive"):
        statement = statement.where(Project.is_active.is_(filters["isactive"]))
    if not live_like_filters and filters.get("statuses"):
        names = [status.lower() for status in filters["statuses"]]
        statement = statement.where(func.lower(Project.status_name).in_(names))

    return fetch_page(session, statement.order_by(Project.id), page)


def get_project(
    session: Session, organisation: Organisation, project_id: int, include_custom_fields: bool
) -> Project:
    """Return one of the organisation's projects, or raise :class:`NotFound`."""
    project = session.scalar(
        _loaded(include_custom_fields).where(
            Project.id == project_id, Project.organisation_id == organisation.id
        )
    )
    if not isinstance(project, Project):
        raise NotFound(f"Project {project_id} was not found.")
    return project


def invoice_counts(session: Session, projects: list[Project]) -> dict[int, int]:
    """Return how many invoices each of ``projects`` has, by project id."""
    if not projects:
        return {}
    rows = session.execute(
        select(Invoice.project_id, func.count())
        .where(Invoice.project_id.in_([p.id for p in projects]))
        .group_by(Invoice.project_id)
    ).all()
    return {project_id: count for project_id, count in rows}
