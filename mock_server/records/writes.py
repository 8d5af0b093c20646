"""Writes: PUT creates, POST creates or updates by ``id``, DELETE removes.

The verbs follow the vendor's guide. Every check runs before anything is written, and the
request's session commits only when the view succeeds, so a rejected write stores nothing. Checks
against stored data collect their findings in :class:`Problems`, so one 400 names every bad field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import BadRequest, NotFound, Problems
from ..store.models import (
    Contact,
    Invoice,
    InvoiceContact,
    Organisation,
    Project,
    ProjectStatus,
    Stage,
    Task,
    TimesheetRow,
)
from .invoices import find_invoice

KIND_TYPE_IDS = {"company": 30, "personnel": 31, "individual": 32}


def _statuses(session: Session, organisation: Organisation) -> dict[str, tuple[str, int, bool]]:
    """Return the organisation's project statuses by lower-case name: name, type id, active."""
    rows = session.scalars(
        select(ProjectStatus)
        .where(ProjectStatus.organisation_id == organisation.id)
        .order_by(ProjectStatus.type_id)
    ).all()
    return {row.name.lower(): (row.name, row.type_id, row.is_active) for row in rows}


def _contact_in(
    session: Session,
    organisation: Organisation,
    contact_id: int,
    field: str,
    problems: Problems,
    staff: bool = False,
) -> int:
    """Return ``contact_id``; record a problem under ``field`` if it is not in the organisation."""
    statement = select(Contact.id).where(
        Contact.id == contact_id, Contact.organisation_id == organisation.id
    )
    if staff:
        statement = statement.where(Contact.kind == "staff")
    if session.scalar(statement) is None:
        kind = "staff member" if staff else "contact"
        problems.add(field, f"No {kind} {contact_id} in this organisation.")
    return contact_id


def _target(
    session: Session,
    model: Any,
    scope: Any,
    body: dict[str, Any],
    *,
    allow_update: bool,
    path_id: int | None,
    not_found: str,
) -> Any:
    """Return the record a write names, or ``None`` to create one.

    ``scope`` limits the lookup (to an organisation or a project). An id in the path must exist,
    so a missing one is 404; an ``id`` in the body that matches nothing means "create".
    """
    requested_id = path_id or body.get("id")
    record = None
    if requested_id is not None and allow_update:
        record = session.scalar(select(model).where(model.id == requested_id, scope))
    if path_id is not None and record is None:
        raise NotFound(not_found)
    return record


def save_project(
    session: Session,
    organisation: Organisation,
    body: dict[str, Any],
    now: dt.datetime,
    *,
    allow_update: bool,
    path_id: int | None = None,
) -> tuple[Project, bool]:
    """Create a project, or update the one named by ``id``; return it and whether it is new."""
    project: Project | None = _target(
        session,
        Project,
        Project.organisation_id == organisation.id,
        body,
        allow_update=allow_update,
        path_id=path_id,
        not_found=f"Project {path_id} was not found.",
    )
    creating = project is None
    number = body.get("number") or body.get("projectNumber")
    problems = Problems()
    if creating:
        for name, value in (("number", number), ("name", body.get("name"))):
            if not value:
                problems.add(name, "The field is required.")
    if number is not None:
        clash = session.scalar(
            select(Project.id).where(
                Project.organisation_id == organisation.id,
                Project.number_key == number.lower(),
                Project.id != (project.id if project else -1),
            )
        )
        if clash is not None:
            problems.add("number", f"Project number '{number}' is already used by project {clash}.")
    values = _project_values(session, organisation, body, number, problems)
    problems.raise_any()

    if creating:
        project = Project(
            organisation_id=organisation.id,
            created_date=now,
            address_id=0,
            is_office_project=False,
            is_default=False,
            **_new_project_defaults(session, organisation),
        )
        session.add(project)
    assert project is not None
    for name, value in values.items():
        setattr(project, name, value)
    project.updated_date = now
    session.flush()
    if creating:
        project.address_id = project.id
    return project, creating


def _new_project_defaults(session: Session, organisation: Organisation) -> dict[str, Any]:
    statuses = _statuses(session, organisation)
    name, type_id, active = next((s for s in statuses.values() if s[2]), ("Active", 1, True))
    return {"status_name": name, "status_type_id": type_id, "is_active": active}


def _project_values(
    session: Session,
    organisation: Organisation,
    body: dict[str, Any],
    number: str | None,
    problems: Problems,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if number is not None:
        values["number"] = number
        values["number_key"] = number.lower()
    simple = {
        "name": "name",
        "scope": "scope",
        "startDate": "start_date",
        "endDate": "end_date",
        "isOfficeProject": "is_office_project",
        "isDefault": "is_default",
        "clientReferenceNumber": "client_reference_number",
        "office": "office",
    }
    for wire, attribute in simple.items():
        if wire in body:
            values[attribute] = body[wire]
    status = body.get("statusName") or body.get("status")
    if status is not None:
        statuses = _statuses(session, organisation)
        found = statuses.get(status.lower())
        if found is None:
            known = ", ".join(s[0] for s in statuses.values())
            problems.add(
                "statusName",
                f"Unknown status '{status}'; this organisation's statuses are {known}.",
            )
        else:
            values["status_name"], values["status_type_id"], values["is_active"] = found
    if body.get("primaryContactId") is not None:
        values["primary_contact_id"] = _contact_in(
            session, organisation, body["primaryContactId"], "primaryContactId", problems
        )
    elif "primaryContactId" in body:
        values["primary_contact_id"] = None
    if body.get("managerId") is not None:
        values["manager_id"] = _contact_in(
            session, organisation, body["managerId"], "managerId", problems, staff=True
        )
    elif "managerId" in body:
        values["manager_id"] = None
    address = body.get("address") or {}
    for attribute in (
        "address1",
        "address2",
        "town",
        "state",
        "zip_code",
        "country",
        "latitude",
        "longitude",
    ):
        if attribute in address:
            values[attribute] = address[attribute]
    return values


def delete_project(session: Session, organisation: Organisation, project_id: int) -> None:
    """Delete a project with its stages, tasks, draft invoices and unapproved time.

    Raise 404 if it is missing, and 400 if it has approved time or issued invoices, which the
    product keeps.
    """
    project = project_of(session, organisation, project_id)
    if _has_locked_time(session, TimesheetRow.project_id == project_id):
        raise BadRequest.for_field(
            "id", f"Project {project_id} has approved time; it cannot be deleted."
        )
    # NOTE: an issued invoice can still be set back to DRAFT or deleted, which lifts this guard.
    issued = session.scalar(
        select(func.count(Invoice.id)).where(
            Invoice.project_id == project_id, Invoice.status != "DRAFT"
        )
    )
    if issued:
        raise BadRequest.for_field(
            "id", f"Project {project_id} has {issued} issued invoice(s); it cannot be deleted."
        )
    session.delete(project)
    session.flush()


def _has_locked_time(session: Session, condition: Any) -> bool:
    """Return whether any approved (locked) timesheet row meets ``condition``."""
    found = session.scalar(
        select(TimesheetRow.id).where(condition, TimesheetRow.locked.is_(True)).limit(1)
    )
    return found is not None


def save_contact(
    session: Session,
    organisation: Organisation,
    body: dict[str, Any],
    now: dt.datetime,
    *,
    allow_update: bool,
    path_id: int | None = None,
) -> tuple[Contact, bool]:
    """Create a contact, or update the one named by ``id``; return it and whether it is new."""
    contact: Contact | None = _target(
        session,
        Contact,
        Contact.organisation_id == organisation.id,
        body,
        allow_update=allow_update,
        path_id=path_id,
        not_found=f"Contact {path_id} was not found.",
    )
    problems = Problems()
    if contact is not None and contact.kind == "staff":
        problems.add(
            "id",
            f"Contact {contact.id} is a staff member; staff cannot be changed through Contacts.",
        )
    creating = contact is None
    kind = body.get("kind") or {v: k for k, v in KIND_TYPE_IDS.items()}.get(
        body.get("contactTypeId", 0)
    )
    first = body.get("firstName", contact.first_name if contact else None)
    last = body.get("lastName", contact.last_name if contact else None)
    name = body.get("name")
    if not name and ("firstName" in body or "lastName" in body):
        name = " ".join(part for part in (first, last) if part)
    if creating and not name:
        problems.add("name", "The field is required (or firstName and lastName).")
    company_id = body.get("companyId")
    if company_id is not None:
        company = session.scalar(
            select(Contact.id).where(
                Contact.id == company_id,
                Contact.organisation_id == organisation.id,
                Contact.kind == "company",
            )
        )
        if contact is not None and company_id == contact.id:
            problems.add("companyId", "A contact cannot be its own company.")
        elif company is None:
            problems.add("companyId", f"No company {company_id} in this organisation.")
    problems.raise_any()

    if creating:
        contact = Contact(
            organisation_id=organisation.id,
            kind=kind or "individual",
            contact_type_id=KIND_TYPE_IDS[kind or "individual"],
            created_date=now,
            role_ids=[],
            security_level=0,
            is_active=True,
            name=name,
        )
        session.add(contact)
    assert contact is not None
    if kind and not creating:
        contact.kind, contact.contact_type_id = kind, KIND_TYPE_IDS[kind]
    if name:
        contact.name = name
    simple = {
        "firstName": "first_name",
        "lastName": "last_name",
        "email": "email",
        "web": "web",
        "jobTitle": "job_title",
        "companyId": "company_id",
        "isActive": "is_active",
        "salutation": "salutation",
    }
    for wire, attribute in simple.items():
        if wire in body:
            setattr(contact, attribute, body[wire])
    for wire, value in (body.get("phones") or {}).items():
        attribute = {"skypeName": "skype_name", "linkedIn": "linked_in"}.get(wire, wire)
        if attribute in (
            "mobile",
            "phone",
            "phone2",
            "phone3",
            "phone4",
            "phone5",
            "phone6",
            "skype_name",
            "twitter",
            "linked_in",
        ):
            setattr(contact, attribute, value)
    contact.initials = "".join(p[0].upper() for p in (contact.first_name, contact.last_name) if p)
    contact.updated_date = now
    session.flush()
    return contact, creating


def delete_contact(session: Session, organisation: Organisation, contact_id: int) -> None:
    """Delete a contact (not a staff member); raise 404 if missing."""
    contact = session.scalar(
        select(Contact).where(
            Contact.id == contact_id,
            Contact.organisation_id == organisation.id,
            Contact.kind != "staff",
        )
    )
    if contact is None:
        raise NotFound(f"Contact {contact_id} was not found.")
    issued = session.scalar(
        select(func.count(InvoiceContact.id))
        .join(Invoice, Invoice.id == InvoiceContact.invoice_id)
        .where(
            (InvoiceContact.contact_id == contact_id)
            | (InvoiceContact.attention_contact_id == contact_id),
            Invoice.status != "DRAFT",
        )
    )
    if issued:
        raise BadRequest.for_field(
            "id", f"Contact {contact_id} is on {issued} issued invoice(s); it cannot be deleted."
        )
    session.delete(contact)
    session.flush()


def project_of(session: Session, organisation: Organisation, project_id: int) -> Project:
    """Return one of the organisation's projects, or raise 404."""
    project = session.scalar(
        select(Project).where(Project.id == project_id, Project.organisation_id == organisation.id)
    )
    if project is None:
        raise NotFound(f"Project {project_id} was not found.")
    return project


def save_stage(
    session: Session,
    project: Project,
    body: dict[str, Any],
    *,
    allow_update: bool,
    path_id: int | None = None,
) -> Stage:
    """Create a stage of ``project``, or update the one named by ``id``."""
    stage: Stage | None = _target(
        session,
        Stage,
        Stage.project_id == project.id,
        body,
        allow_update=allow_update,
        path_id=path_id,
        not_found=f"Stage {path_id} of project {project.id} was not found.",
    )
    if stage is None:
        if not body.get("name"):
            raise BadRequest.for_field("name", "The field is required.")
        position = (
            session.scalar(select(func.count(Stage.id)).where(Stage.project_id == project.id)) or 0
        )
        stage = Stage(
            project_id=project.id,
            position=int(position),
            name=body["name"],
            phase=body.get("phase") or "",
        )
        session.add(stage)
    for name in ("name", "phase"):
        if name in body:
            setattr(stage, name, body[name] or "")
    session.flush()
    return stage


def save_task(
    session: Session,
    project: Project,
    body: dict[str, Any],
    *,
    allow_update: bool,
    path_id: int | None = None,
) -> Task:
    """Create a task in a stage of ``project``, or update the one named by ``id``."""
    task: Task | None = _target(
        session,
        Task,
        Task.project_id == project.id,
        body,
        allow_update=allow_update,
        path_id=path_id,
        not_found=f"Task {path_id} of project {project.id} was not found.",
    )
    problems = Problems()
    if (
        "stageId" in body
        and session.scalar(
            select(Stage.id).where(Stage.id == body["stageId"], Stage.project_id == project.id)
        )
        is None
    ):
        problems.add("stageId", f"No stage {body['stageId']} in project {project.id}.")
    if task is None:
        for name in ("name", "stageId"):
            if not body.get(name) and name not in problems:
                problems.add(name, "The field is required.")
    problems.raise_any()
    if task is None:
        task = Task(project_id=project.id, stage_id=body["stageId"], name=body["name"])
        session.add(task)
    if "name" in body:
        task.name = body["name"]
    if "stageId" in body:
        task.stage_id = body["stageId"]
    session.flush()
    return task


def record_in_project(session: Session, project: Project, model: Any, record_id: int) -> Any:
    """Return the stage or task ``record_id`` of ``project``; raise 404 if it is not there."""
    record = session.scalar(
        select(model).where(model.id == record_id, model.project_id == project.id)
    )
    if record is None:
        raise NotFound(f"{model.__name__} {record_id} of project {project.id} was not found.")
    return record


def delete_in_project(session: Session, project: Project, model: Any, record_id: int) -> None:
    """Delete a stage or task of ``project``; raise 404 if it is not there."""
    record = record_in_project(session, project, model, record_id)
    if model is Stage and session.scalar(
        select(TimesheetRow.id).where(TimesheetRow.stage_id == record_id).limit(1)
    ):
        raise BadRequest.for_field(
            "id", f"Stage {record_id} has time recorded against it; it cannot be deleted."
        )
    if model is Task and _has_locked_time(session, TimesheetRow.task_id == record_id):
        raise BadRequest.for_field(
            "id", f"Task {record_id} has approved time; it cannot be deleted."
        )
    session.delete(record)
    session.flush()


GST_RATE = 0.10


def save_invoice(
    session: Session,
    organisation: Organisation,
    body: dict[str, Any],
    now: dt.datetime,
    *,
    allow_update: bool,
    path_id: int | None = None,
) -> Invoice:
    """Create an invoice, or update the one named by ``id``."""
    invoice: Invoice | None = _target(
        session,
        Invoice,
        Invoice.organisation_id == organisation.id,
        body,
        allow_update=allow_update,
        path_id=path_id,
        not_found=f"Invoice {path_id} was not found.",
    )
    problems = Problems()
    if invoice is None and not body.get("projectId"):
        problems.add("projectId", "The field is required.")
    if body.get("projectId") is not None and not session.scalar(
        select(Project.id).where(
            Project.id == body["projectId"], Project.organisation_id == organisation.id
        )
    ):
        problems.add("projectId", f"No project {body['projectId']} in this organisation.")
    status = body.get("status")
    if status is not None and status.upper() not in _invoice_statuses(session, organisation):
        known = ", ".join(sorted(_invoice_statuses(session, organisation)))
        problems.add("status", f"Unknown invoice status '{status}'; use one of {known}.")
    for index, entry in enumerate(body.get("invoiceContacts") or []):
        prefix = f"invoiceContacts.{index}"
        _contact_in(session, organisation, entry["contactId"], f"{prefix}.contactId", problems)
        if entry.get("attentionContactId"):
            _contact_in(
                session,
                organisation,
                entry["attentionContactId"],
                f"{prefix}.attentionContactId",
                problems,
            )
    problems.raise_any()

    if invoice is None:
        invoice = _new_invoice(session, organisation, body, now)
        session.add(invoice)
    _apply_invoice(invoice, body, now)
    session.flush()
    if "invoiceContacts" in body:
        _replace_invoice_contacts(session, invoice, body["invoiceContacts"] or [])
    return invoice


INVOICE_STATUSES = frozenset({"DRAFT", "APPROVED", "PAID", "CANCELLED"})


def _invoice_statuses(session: Session, organisation: Organisation) -> set[str]:
    """Return the statuses an invoice may take: the usual ones and any the scenario seeded."""
    seeded = session.scalars(
        select(Invoice.status).where(Invoice.organisation_id == organisation.id).distinct()
    )
    return set(INVOICE_STATUSES) | {status.upper() for status in seeded}


def _new_invoice(
    session: Session, organisation: Organisation, body: dict[str, Any], now: dt.datetime
) -> Invoice:
    day = now.replace(hour=0, minute=0, second=0)
    return Invoice(
        organisation_id=organisation.id,
        project_id=body["projectId"],
        status="DRAFT",
        invoice_number=None,
        numbering_id=1,
        prefix="I",
        number=0,
        invoice_type="I",
        total_ex_tax=0.0,
        total_tax=0.0,
        total_inc_tax=0.0,
        date=day,
        date_from=day - dt.timedelta(days=30),
        date_to=day - dt.timedelta(days=1),
        due_date=day + dt.timedelta(days=30),
        invoice_term_id=3,
        invoice_term="30 Days",
        created_date=now,
        updated_date=now,
    )


def _apply_invoice(invoice: Invoice, body: dict[str, Any], now: dt.datetime) -> None:
    simple = {
        "projectId": "project_id",
        "text": "text",
        "date": "date",
        "from_": "date_from",
        "to": "date_to",
        "dueDate": "due_date",
        "invoiceTerm": "invoice_term",
    }
    for wire, attribute in simple.items():
        if wire in body:
            setattr(invoice, attribute, body[wire])
    if "status" in body:
        invoice.status = body["status"].upper()
    if "totalExTax" in body:
        invoice.total_ex_tax = round(body["totalExTax"], 2)
        invoice.total_tax = round(body.get("totalTax", invoice.total_ex_tax * GST_RATE), 2)
    elif "totalTax" in body:
        invoice.total_tax = round(body["totalTax"], 2)
    invoice.total_inc_tax = round(invoice.total_ex_tax + invoice.total_tax, 2)
    invoice.updated_date = now


def _replace_invoice_contacts(
    session: Session, invoice: Invoice, entries: list[dict[str, Any]]
) -> None:
    for old in list(invoice.contacts):
        session.delete(old)
    session.flush()
    project = session.get(Project, invoice.project_id)
    for position, entry in enumerate(entries):
        session.add(
            InvoiceContact(
                invoice_id=invoice.id,
                position=position,
                contact_id=entry["contactId"],
                attention_contact_id=entry.get("attentionContactId"),
                address_id=project.address_id if project else 0,
                address1=project.address1 if project else None,
                address2=None,
                town=project.town if project else None,
                state=project.state if project else None,
                zip_code=project.zip_code if project else None,
                country=project.country if project else None,
                invoice_percent=entry.get("invoicePercent", 100.0),
            )
        )
    session.flush()
    session.refresh(invoice)


def delete_invoice(session: Session, organisation: Organisation, invoice_id: int) -> None:
    """Delete an invoice and its contacts; raise 404 if missing."""
    session.delete(find_invoice(session, organisation, invoice_id))
    session.flush()
