"""``Organisation/{Slug}/Projects``: the paged project list and single projects."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from sqlalchemy import select

from ..records import fetch_page
from ..records.projects import get_project, invoice_counts, list_projects
from ..records.writes import (
    delete_in_project,
    delete_project,
    project_of,
    record_in_project,
    save_project,
    save_stage,
    save_task,
)
from ..schemas.bodies import ProjectBody, StageBody, TaskBody
from ..schemas.query import ProjectDetailQuerySchema, ProjectQuerySchema
from ..schemas.resources import ENVELOPE, PROJECT, STAGE, TASK, Page, rendering
from ..store.models import Stage, Task
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


STAGE_BODY = StageBody()
TASK_BODY = TaskBody()


def _work_page(project_id: int, model: Any, schema: Any, org: Any) -> Response:
    project_of(db(), org, project_id)
    page = paging()
    statement = select(model).where(model.project_id == project_id).order_by(model.id)
    rows, total = fetch_page(db(), statement, page)
    return json_response(ENVELOPE.dump(Page.of(schema.dump(rows, many=True), total, page)))


@bp.get("/<id:project_id>/stages")
def list_project_stages(slug: str, project_id: int) -> Response:
    return _work_page(project_id, Stage, STAGE, organisation(slug))


@bp.get("/<id:project_id>/tasks")
def list_project_tasks(slug: str, project_id: int) -> Response:
    return _work_page(project_id, Task, TASK, organisation(slug))


@bp.get("/<id:project_id>/stages/<id:record_id>")
@bp.get("/<id:project_id>/tasks/<id:record_id>")
def get_stage_or_task(slug: str, project_id: int, record_id: int) -> Response:
    project = project_of(db(), organisation(slug), project_id)
    is_stage = request.path.rstrip("/").split("/")[-2] == "stages"
    model, schema = (Stage, STAGE) if is_stage else (Task, TASK)
    return json_response(schema.dump(record_in_project(db(), project, model, record_id)))


@bp.put("/<id:project_id>/stages")
@bp.post("/<id:project_id>/stages")
@bp.post("/<id:project_id>/stages/<id:stage_id>")
def upsert_stage(slug: str, project_id: int, stage_id: int | None = None) -> Response:
    org = organisation(slug)
    require_unrestricted("writes")
    project = project_of(db(), org, project_id)
    stage = save_stage(
        db(),
        project,
        json_body(STAGE_BODY),
        allow_update=request.method == "POST",
        path_id=stage_id,
    )
    project.updated_date = local_now(org)
    return json_response(STAGE.dump(stage))


@bp.put("/<id:project_id>/tasks")
@bp.post("/<id:project_id>/tasks")
@bp.post("/<id:project_id>/tasks/<id:task_id>")
def upsert_task(slug: str, project_id: int, task_id: int | None = None) -> Response:
    org = organisation(slug)
    require_unrestricted("writes")
    project = project_of(db(), org, project_id)
    task = save_task(
        db(), project, json_body(TASK_BODY), allow_update=request.method == "POST", path_id=task_id
    )
    project.updated_date = local_now(org)
    return json_response(TASK.dump(task))


@bp.delete("/<id:project_id>/stages/<id:record_id>")
@bp.delete("/<id:project_id>/tasks/<id:record_id>")
def remove_stage_or_task(slug: str, project_id: int, record_id: int) -> Response:
    org = organisation(slug)
    require_unrestricted("writes")
    project = project_of(db(), org, project_id)
    model = Stage if request.path.rstrip("/").split("/")[-2] == "stages" else Task
    delete_in_project(db(), project, model, record_id)
    project.updated_date = local_now(org)
    return json_response({"message": f"{model.__name__} {record_id} was deleted."})
