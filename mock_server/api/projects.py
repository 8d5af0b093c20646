"""``Organisation/{Slug}/Projects``: the paged project list and single projects."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ..records.projects import get_project, invoice_counts, list_projects
from ..records.writes import delete_project, save_project
from ..schemas.bodies import ProjectBody
from ..schemas.query import ProjectDetailQuerySchema, ProjectQuerySchema
from ..schemas.resources import ENVELOPE, PROJECT, Page, rendering
from . import (
    db,
    json_body,
    json_response,
    local_now,
    organisation,
    paging,
    query,
    render_context,
    require_unrestricted,
    settings,
)

bp = Blueprint("projects", __name__, url_prefix="/organisation/<slug>/projects")

LIST_QUERY = ProjectQuerySchema()
DETAIL_QUERY = ProjectDetailQuerySchema()


@bp.get("")
def list_organisation_projects(slug: str) -> Response:
    org = organisation(slug)
    filters = query(LIST_QUERY)
    page = paging()

    current = settings()
    rows, total = list_projects(
        db(),
        org,
        filters,
        page,
        active_only_default=current.projects_active_only_default,
        live_like_filters=current.projects_live_like_filters,
    )
    context = render_context(
        org,
        include_custom_fields=bool(filters.get("includecustomfields")),
        invoice_counts=invoice_counts(db(), rows),
    )
    with rendering(context):
        items = [PROJECT.dump_project(project) for project in rows]
    return json_response(ENVELOPE.dump(Page.of(items, total, page)))


@bp.get("/<id:project_id>")
def get_organisation_project(slug: str, project_id: int) -> Response:
    org = organisation(slug)
    include_custom_fields = bool(query(DETAIL_QUERY).get("includecustomfields"))
    project = get_project(db(), org, project_id, include_custom_fields)
    context = render_context(
        org,
        include_custom_fields=include_custom_fields,
        invoice_counts=invoice_counts(db(), [project]),
    )
    with rendering(context):
        return json_response(PROJECT.dump_project(project))


BODY = ProjectBody()


def _saved(org: Any, project: Any) -> Response:
    context = render_context(org, invoice_counts=invoice_counts(db(), [project]))
    with rendering(context):
        return json_response(PROJECT.dump_project(project))


@bp.put("")
def create_project(slug: str) -> Response:
    org = organisation(slug)
    require_unrestricted("writes")
    project, _ = save_project(db(), org, json_body(BODY), local_now(org), allow_update=False)
    return _saved(org, project)


@bp.post("")
@bp.post("/<id:project_id>")
def upsert_project(slug: str, project_id: int | None = None) -> Response:
    org = organisation(slug)
    require_unrestricted("writes")
    project, _ = save_project(
        db(), org, json_body(BODY), local_now(org), allow_update=True, path_id=project_id
    )
    return _saved(org, project)


@bp.delete("/<id:project_id>")
def remove_project(slug: str, project_id: int) -> Response:
    org = organisation(slug)
    require_unrestricted("writes")
    delete_project(db(), org, project_id)
    return json_response({"message": f"Project {project_id} was deleted."})
