"""Response schemas: the wire names, order and value styles of every resource.

Field order follows the vendor's examples. Everything a response needs beyond the record itself
(the caller's local time, the organisation's zone, which optional fields to write) comes from
:class:`RenderContext`, set by the view for the duration of one dump.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, fields

from ..store.models import (
    Contact,
    Invoice,
    Organisation,
    Project,
    StaffProfile,
    Timer,
    TimesheetRow,
)
from ..timezones import utc_to_local, windows_zone_id
from .formats import (
    DotNetDateTime,
    DotNetUtcDateTime,
    date_as_int,
    date_display,
    day_month_year,
    dotnet_datetime,
    duration_display,
    local_time_display,
    money,
    number,
)
from .query import PageRequest


@dataclass
class RenderContext:
    """Per-request facts that responses need besides the records."""

    now_local: dt.datetime = field(default_factory=dt.datetime.now)
    now_utc: dt.datetime = field(default_factory=dt.datetime.now)
    timezone: str = "Australia/Sydney"
    include_custom_fields: bool = False
    project_field_aliases: bool = True
    contact_email_aliases: bool = False
    staff_emit_updated_date: bool = False
    hide_financials: bool = False
    security_level: int = 100
    invoice_counts: dict[int, int] = field(default_factory=dict)


_render: ContextVar[RenderContext | None] = ContextVar("render", default=None)


@contextmanager
def rendering(context: RenderContext) -> Iterator[RenderContext]:
    """Make ``context`` the render context for the dumps inside the ``with`` block."""
    token = _render.set(context)
    try:
        yield context
    finally:
        _render.reset(token)


def current() -> RenderContext:
    """Return the render context of the dump in progress, or defaults outside any dump."""
    return _render.get() or RenderContext()


class WireSchema(Schema):
    """Base of response schemas: fields are written in declaration order, nulls included."""


def _seen(contact: Contact | None, attribute: str) -> Any:
    """Return a contact's attribute, or ``None`` if the caller's security level hides it.

    Contacts above the caller's level are hidden on every route, not only on Contacts.
    """
    if contact is None or contact.security_level > current().security_level:
        return None
    return getattr(contact, attribute)


class OrganisationSchema(WireSchema):
    """An organisation as ``GET Organisation`` lists it."""

    id = fields.Integer()
    name = fields.String()
    slug = fields.String()


class AddressSchema(WireSchema):
    """A project's ``address``; ``singleline`` has a lower-case ``l``, as the vendor wrote it."""

    id = fields.Integer(attribute="address_id")
    address1 = fields.String(allow_none=True)
    address2 = fields.String(allow_none=True)
    town = fields.String(allow_none=True)
    state = fields.String(allow_none=True)
    zipCode = fields.String(attribute="zip_code", allow_none=True)
    country = fields.String(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    hasAddress = fields.Method("has_address")
    singleline = fields.Method("single_line")

    @staticmethod
    def _parts(project: Project) -> list[str]:
        values = (
            project.address1,
            project.address2,
            project.town,
            project.state,
            project.zip_code,
            project.country,
        )
        return [part for part in values if part]

    def has_address(self, project: Project) -> bool:
        return bool(self._parts(project))

    def single_line(self, project: Project) -> str:
        return ", ".join(self._parts(project))


class CustomFieldSchema(WireSchema):
    """One entry of ``customFields``."""

    name = fields.String()
    displayValue = fields.String(attribute="display_value", allow_none=True)


_ADDRESS = AddressSchema()
_CUSTOM_FIELDS = CustomFieldSchema(many=True)

PROJECT_ALIAS_FIELDS = (
    "projectNumber",
    "status",
    "primaryContact",
    "clientReferenceNumber",
    "manager",
    "office",
)


class ProjectSchema(WireSchema):
    """A project, with the vendor's documented fields and the names a live client reads."""

    id = fields.Integer()
    organisationId = fields.Integer(attribute="organisation_id")
    organisationName = fields.Function(lambda p: p.organisation.name)
    isOfficeProject = fields.Boolean(attribute="is_office_project")
    isDefault = fields.Boolean(attribute="is_default")
    number = fields.String()
    name = fields.String()
    scope = fields.String(allow_none=True)
    statusName = fields.String(attribute="status_name")
    startDate = DotNetDateTime(attribute="start_date")
    endDate = DotNetDateTime(attribute="end_date")
    invoices = fields.Function(lambda p: current().invoice_counts.get(p.id, 0))
    isActive = fields.Boolean(attribute="is_active")
    primaryContactId = fields.Function(lambda p: _seen(p.primary_contact, "id"))
    primaryContactName = fields.Function(lambda p: _seen(p.primary_contact, "name"))
    createdDate = DotNetDateTime(attribute="created_date")
    updatedDate = DotNetDateTime(attribute="updated_date")
    address = fields.Function(lambda p: _ADDRESS.dump(p))
    customFields = fields.Method("custom_fields")
    # Names a live client reads that the vendor's example lacks.
    projectNumber = fields.Function(lambda p: p.number)
    status = fields.Function(lambda p: p.status_name)
    primaryContact = fields.Function(lambda p: _seen(p.primary_contact, "name"))
    clientReferenceNumber = fields.String(attribute="client_reference_number", allow_none=True)
    manager = fields.Function(lambda p: p.manager.name if p.manager else None)
    office = fields.String(allow_none=True)

    def custom_fields(self, project: Project) -> list[dict[str, Any]] | None:
        if not current().include_custom_fields:
            return None
        return _CUSTOM_FIELDS.dump(project.custom_fields)  # type: ignore[no-any-return]

    def dump_project(self, project: Project) -> dict[str, Any]:
        data: dict[str, Any] = self.dump(project)
        if not current().project_field_aliases:
            for name in PROJECT_ALIAS_FIELDS:
                data.pop(name, None)
        return data


class StageSchema(WireSchema):
    """A project stage, as ``Projects/{Id}/Stages`` lists it."""

    id = fields.Integer()
    projectId = fields.Integer(attribute="project_id")
    name = fields.String()
    phase = fields.String()


class TaskSchema(WireSchema):
    """A task of a project stage, as ``Projects/{Id}/Tasks`` lists it."""

    id = fields.Integer()
    projectId = fields.Integer(attribute="project_id")
    stageId = fields.Integer(attribute="stage_id")
    name = fields.String()


class TransactionSchema(WireSchema):
    """Hours recorded through the Transactions API, with the timesheet row that contains them."""

    id = fields.Integer()
    timesheetId = fields.Integer(attribute="timesheet_row_id", allow_none=True)
    staffId = fields.Integer(attribute="staff_id")
    projectId = fields.Integer(attribute="project_id")
    stageId = fields.Integer(attribute="stage_id")
    taskId = fields.Function(lambda t: t.task_id or 0)
    fromDateAsInt = fields.Function(lambda t: date_as_int(t.from_date))
    toDateAsInt = fields.Function(lambda t: date_as_int(t.to_date))
    units = fields.Function(lambda t: number(t.units))
    createdDate = DotNetDateTime(attribute="created_date")


class PhonesSchema(WireSchema):
    """A contact's ``phones`` object."""

    mobile = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    phone2 = fields.String(allow_none=True)
    phone3 = fields.String(allow_none=True)
    phone4 = fields.String(allow_none=True)
    phone5 = fields.String(allow_none=True)
    phone6 = fields.String(allow_none=True)
    skypeName = fields.String(attribute="skype_name", allow_none=True)
    twitter = fields.String(allow_none=True)
    linkedIn = fields.String(attribute="linked_in", allow_none=True)
    hasPhones = fields.Method("has_phones")

    def has_phones(self, contact: Contact) -> bool:
        numbers = (
            contact.mobile,
            contact.phone,
            contact.phone2,
            contact.phone3,
            contact.phone4,
            contact.phone5,
            contact.phone6,
        )
        return any(numbers)


_PHONES = PhonesSchema()


class ContactSchema(WireSchema):
    """A contact in the vendor example's field order, then the fields the emulator adds."""

    id = fields.Integer()
    contactTypeId = fields.Integer(attribute="contact_type_id")
    organisationId = fields.Integer(attribute="organisation_id")
    organisation = fields.Constant(None)
    avatar = fields.String(allow_none=True)
    isStaff = fields.Function(lambda c: c.kind == "staff")
    staffTypeName = fields.String(attribute="staff_type_name", allow_none=True)
    phones = fields.Function(lambda c: _PHONES.dump(c))
    timezoneId = fields.Function(lambda c: windows_zone_id(current().timezone))
    userCurrentDate = fields.Function(lambda c: _seven_digit(current().now_local))
    rolesDisplay = fields.String(attribute="roles_display", allow_none=True)
    roleIds = fields.List(fields.Integer(), attribute="role_ids")
    emailDomain = fields.Function(lambda c: c.email.split("@", 1)[1] if c.email else None)
    web = fields.String(allow_none=True)
    jobTitle = fields.String(attribute="job_title", allow_none=True)
    name = fields.String()
    initials = fields.String(allow_none=True)
    localTime = fields.Function(lambda c: local_time_display(current().now_local))
    salutationId = fields.Integer(attribute="salutation_id", allow_none=True)
    salutation = fields.String(allow_none=True)
    firstName = fields.String(attribute="first_name", allow_none=True)
    lastName = fields.String(attribute="last_name", allow_none=True)
    email = fields.String(allow_none=True)
    cardId = fields.String(attribute="card_id", allow_none=True)
    # Not in the vendor example: the company a person works at, an active flag and the dates
    # that the UpdatedDate and CreatedDate filters compare against.
    companyId = fields.Integer(attribute="company_id", allow_none=True)
    isActive = fields.Boolean(attribute="is_active")
    createdDate = DotNetDateTime(attribute="created_date")
    updatedDate = DotNetDateTime(attribute="updated_date")

    def dump_contact(self, contact: Contact) -> dict[str, Any]:
        data: dict[str, Any] = self.dump(contact)
        if current().contact_email_aliases:
            data["emailAddress"] = contact.email
            data["emails"] = [contact.email] if contact.email else []
        return data


def _seven_digit(value: dt.datetime) -> str:
    """Format a naive datetime with a full 7-digit fraction, as ``userCurrentDate`` is written."""
    return value.strftime("%Y-%m-%dT%H:%M:%S") + f".{value.microsecond:06d}0"


class StaffSchema(WireSchema):
    """A staff member; ``udpatedDate`` keeps the misspelling of the vendor's example."""

    id = fields.Function(lambda s: s.contact.id)
    organisationId = fields.Function(lambda s: s.contact.organisation_id)
    name = fields.Function(lambda s: s.contact.name)
    lastName = fields.Function(lambda s: s.contact.last_name)
    firstName = fields.Function(lambda s: s.contact.first_name)
    email = fields.Function(lambda s: s.contact.email)
    contactTypeId = fields.Function(lambda s: s.contact.contact_type_id)
    cardId = fields.Function(lambda s: s.contact.card_id)
    address = fields.String(allow_none=True)
    state = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    bambooId = fields.Integer(attribute="bamboo_id")
    xeroId = fields.String(attribute="xero_id", allow_none=True)
    dateEmployment = DotNetDateTime(attribute="date_employment")
    dateTermination = DotNetDateTime(attribute="date_termination")
    position = fields.String(allow_none=True)
    phone = fields.Function(lambda s: s.contact.phone)
    rate = fields.Method("formatted_rate")
    rateDisplay = fields.Method("rate_name")
    isActive = fields.Function(lambda s: s.contact.is_active)
    reportsTo = fields.Function(lambda s: s.reports_to.name if s.reports_to else None)
    zipCode = fields.Function(lambda s: s.postcode)
    twitter = fields.Function(lambda s: s.contact.twitter)
    createdDate = fields.Function(lambda s: dotnet_datetime(s.contact.created_date))
    udpatedDate = fields.Function(lambda s: dotnet_datetime(s.contact.updated_date))

    def formatted_rate(self, staff: StaffProfile) -> str | None:
        if staff.rate is None or current().hide_financials:
            return None
        return money(staff.rate.amount)

    def rate_name(self, staff: StaffProfile) -> str | None:
        return staff.rate.name if staff.rate else None

    def dump_staff(self, staff: StaffProfile) -> dict[str, Any]:
        data: dict[str, Any] = self.dump(staff)
        if current().staff_emit_updated_date:
            data["updatedDate"] = data["udpatedDate"]
        return data


def _optional_date(value: dt.datetime | None) -> str | None:
    """Format an invoice date in the documented ``dateDisplay`` style, ``Mon 1, Aug 2016``."""
    return date_display(value) if value else None


class InvoiceContactSchema(WireSchema):
    """One entry of an invoice's ``invoiceContacts``."""

    id = fields.Constant(0)
    contactId = fields.Function(lambda ic: _seen(ic.contact, "id"))
    attentionContactId = fields.Function(lambda ic: _seen(ic.attention_contact, "id"))
    addressId = fields.Integer(attribute="address_id")
    contact = fields.Function(lambda ic: _seen(ic.contact, "name"))
    attentionContact = fields.Function(lambda ic: _seen(ic.attention_contact, "name"))
    contactUniqueId = fields.Function(lambda ic: _seen(ic.contact, "card_id"))
    attentionContactUniqueId = fields.Function(lambda ic: _seen(ic.attention_contact, "card_id"))
    address = fields.Method("single_line")
    address1 = fields.String(allow_none=True)
    address2 = fields.String(allow_none=True)
    town = fields.String(allow_none=True)
    state = fields.String(allow_none=True)
    zipCode = fields.String(attribute="zip_code", allow_none=True)
    country = fields.String(allow_none=True)
    invoicePercent = fields.Function(lambda ic: number(ic.invoice_percent))

    def single_line(self, contact: Any) -> str:
        parts = (
            contact.address1,
            contact.address2,
            contact.town,
            contact.state,
            contact.zip_code,
            contact.country,
        )
        return ", ".join(part for part in parts if part)


class InvoiceSchema(WireSchema):
    """An invoice in the vendor example's field order."""

    id = fields.Integer()
    organisationId = fields.Integer(attribute="organisation_id")
    projectId = fields.Integer(attribute="project_id")
    projectNumber = fields.Function(lambda i: i.project.number)
    projectName = fields.Function(lambda i: i.project.name)
    status = fields.String()
    statusDisplay = fields.Function(lambda i: i.status)
    invoiceNumber = fields.String(attribute="invoice_number", allow_none=True)
    invoiceNumberDisplay = fields.Function(lambda i: i.invoice_number or "DRAFT")
    numberingId = fields.Integer(attribute="numbering_id")
    prefix = fields.String()
    number = fields.Integer()
    numberFormatted = fields.Function(lambda i: f"{i.number:07d}")
    invoiceType = fields.String(attribute="invoice_type")
    text = fields.String(allow_none=True)
    totalExTax = fields.Function(lambda i: number(i.total_ex_tax))
    totalTax = fields.Function(lambda i: number(i.total_tax))
    totalIncTax = fields.Function(lambda i: number(i.total_inc_tax))
    totalExTaxDisplay = fields.Function(lambda i: money(i.total_ex_tax))
    totalTaxDisplay = fields.Function(lambda i: money(i.total_tax))
    totalIncTaxDisplay = fields.Function(lambda i: money(i.total_inc_tax))
    date = DotNetDateTime()
    # ``from`` is a Python keyword, so it is declared under another name and renamed.
    from_ = DotNetDateTime(attribute="date_from", data_key="from")
    to = DotNetDateTime(attribute="date_to")
    dueDate = DotNetDateTime(attribute="due_date")
    dateDisplay = fields.Function(lambda i: _optional_date(i.date))
    fromDisplay = fields.Function(lambda i: _optional_date(i.date_from))
    toDisplay = fields.Function(lambda i: _optional_date(i.date_to))
    dueDateDisplay = fields.Function(lambda i: _optional_date(i.due_date))
    invoiceTermId = fields.Integer(attribute="invoice_term_id")
    invoiceTerm = fields.String(attribute="invoice_term")
    invoiceStages: fields.Field[Any] = fields.Constant([])
    invoiceContacts = fields.Nested(InvoiceContactSchema, many=True, attribute="contacts")


@dataclass
class TimesheetWeek:
    """One staff member's week, as the service assembles it for dumping."""

    staff: Contact
    monday: dt.date
    rows: list[TimesheetRow]
    has_primary_rate: bool


class TimesheetRowSchema(WireSchema):
    """One row of ``time`` in a timesheet week; every day is a number, never ``null``."""

    groupId = fields.String(attribute="group_id")
    projectId = fields.Integer(attribute="project_id")
    project = fields.Function(lambda r: r.project.name)
    projectNumber = fields.Function(lambda r: r.project.number)
    stageId = fields.Integer(attribute="stage_id")
    stage = fields.Function(lambda r: r.stage.name)
    phase = fields.Function(lambda r: r.stage.phase or "")
    taskId = fields.Function(lambda r: r.task_id or 0)
    task = fields.Function(lambda r: r.task.name if r.task else "")
    rateId = fields.Function(lambda r: r.rate_id or 0)
    rate = fields.Function(lambda r: r.rate.name if r.rate else "")
    rateTypeId = fields.Function(lambda r: r.rate.rate_type_id if r.rate else 0)
    rateType = fields.Function(lambda r: r.rate.rate_type if r.rate else "")
    rateDisplayValue = fields.Method("rate_display")
    overtimeId = fields.Integer(attribute="overtime_id")
    overtime = fields.String()
    note = fields.String()
    mon = fields.Function(lambda r: _hours(r.mon))
    tue = fields.Function(lambda r: _hours(r.tue))
    wed = fields.Function(lambda r: _hours(r.wed))
    thu = fields.Function(lambda r: _hours(r.thu))
    fri = fields.Function(lambda r: _hours(r.fri))
    sat = fields.Function(lambda r: _hours(r.sat))
    sun = fields.Function(lambda r: _hours(r.sun))
    locked = fields.Boolean()
    statusId = fields.Integer(attribute="status_id")
    status = fields.String()
    approvalNote = fields.String(attribute="approval_note", allow_none=True)
    error = fields.String(allow_none=True)
    canChange = fields.Function(lambda r: not r.locked)
    monCanChange = fields.Function(lambda r: not r.locked)
    tueCanChange = fields.Function(lambda r: not r.locked)
    wedCanChange = fields.Function(lambda r: not r.locked)
    thuCanChange = fields.Function(lambda r: not r.locked)
    friCanChange = fields.Function(lambda r: not r.locked)
    satCanChange = fields.Function(lambda r: not r.locked)
    sunCanChange = fields.Function(lambda r: not r.locked)
    monCanChangeMessage = fields.Function(lambda r: _lock_message(r))
    tueCanChangeMessage = fields.Function(lambda r: _lock_message(r))
    wedCanChangeMessage = fields.Function(lambda r: _lock_message(r))
    thuCanChangeMessage = fields.Function(lambda r: _lock_message(r))
    friCanChangeMessage = fields.Function(lambda r: _lock_message(r))
    satCanChangeMessage = fields.Function(lambda r: _lock_message(r))
    sunCanChangeMessage = fields.Function(lambda r: _lock_message(r))
    timerIds = fields.Constant(None)

    def rate_display(self, row: TimesheetRow) -> str:
        if row.rate is None or current().hide_financials:
            return ""
        return money(row.rate.amount)


def _lock_message(row: TimesheetRow) -> str | None:
    return "Locked" if row.locked else None


def _hours(value: float | None) -> float | int:
    """Return hours as a JSON number: whole hours as integers, ``None`` as 0."""
    return number(value) or 0


class TimesheetWeekSchema(WireSchema):
    """A staff member's week, as ``GET Timesheet/Week`` returns it."""

    hasPrimaryRate = fields.Boolean(attribute="has_primary_rate")
    staffId = fields.Function(lambda w: w.staff.id)
    staff = fields.Function(lambda w: w.staff.name)
    dateAsInt = fields.Function(lambda w: date_as_int(w.monday))
    nextDateAsInt = fields.Function(lambda w: date_as_int(w.monday + dt.timedelta(days=7)))
    previousDateAsInt = fields.Function(lambda w: date_as_int(w.monday - dt.timedelta(days=7)))
    dateDisplay = fields.Function(lambda w: date_display(w.monday))
    date = fields.Function(lambda w: dotnet_datetime(dt.datetime.combine(w.monday, dt.time())))
    hasOvertimeRates = fields.Constant(False)
    defaultOvertimeId = fields.Constant(1)
    defaultOvertime = fields.Constant("Standard")
    time = fields.Nested(TimesheetRowSchema, many=True, attribute="rows")
    cash: fields.Field[Any] = fields.Constant([])


class TimerSchema(WireSchema):
    """A timer; ``id`` is always ``null`` and times are UTC with ``Z``, as in the vendor example."""

    id = fields.Constant(None)
    startDate = DotNetUtcDateTime(attribute="start_date")
    endDate = DotNetUtcDateTime(attribute="end_date")
    userName = fields.Function(lambda t: t.user.username)
    text = fields.String()
    isRunning = fields.Boolean(attribute="is_running")
    groupId = fields.String(attribute="group_id")
    duration = fields.Function(lambda t: timer_seconds(t, current().now_utc))
    durationDisplay = fields.Function(
        lambda t: duration_display(timer_seconds(t, current().now_utc))
    )
    details = fields.Function(lambda t: day_month_year(_timer_local(t, t.start_date)))
    organisationId = fields.Integer(attribute="organisation_id")
    organisationName = fields.Function(lambda t: t.organisation.name)
    organisationSlug = fields.Function(lambda t: t.organisation.slug)
    projectId = fields.Function(lambda t: t.project_id or 0)
    stageId = fields.Function(lambda t: t.stage_id or 0)
    taskId = fields.Function(lambda t: t.task_id or 0)
    projectName = fields.Function(lambda t: t.project.name if t.project else None)
    stageName = fields.Function(lambda t: t.stage.name if t.stage else None)
    taskName = fields.Function(lambda t: t.task.name if t.task else None)
    isToday = fields.Method("is_today")

    def is_today(self, timer: Timer) -> bool:
        started = _timer_local(timer, timer.start_date).date()
        return started == _timer_local(timer, current().now_utc).date()


def _timer_local(timer: Timer, utc: dt.datetime) -> dt.datetime:
    """Convert a UTC instant to the local time of the timer's organisation."""
    return utc_to_local(utc, timer.organisation.timezone)


def timer_seconds(timer: Timer, now_utc: dt.datetime) -> int:
    """Return a timer's elapsed seconds: stored time plus the current run, if it is running."""
    elapsed = timer.elapsed_seconds
    if timer.is_running:
        elapsed += max(0, int((now_utc - timer.start_date).total_seconds()))
    return elapsed


@dataclass
class Page:
    """One page of a list, ready for the envelope; ``number`` is 1-based."""

    items: list[dict[str, Any]]
    total: int
    number: int
    size: int
    base: int = 1

    @classmethod
    def of(cls, items: list[dict[str, Any]], total: int, request: PageRequest) -> Page:
        """Build the page that ``request`` selected."""
        return cls(items, total, request.number, request.size, request.base)


class _PageCounts:
    """Page arithmetic shared by the envelopes: pages round up, and none when nothing matches."""

    @staticmethod
    def pages(page: Page) -> int:
        return -(-page.total // page.size) if page.total else 0

    def total_pages(self, page: Page) -> int:
        return self.pages(page)

    def has_next(self, page: Page) -> bool:
        return page.number < self.pages(page)

    def page_number(self, page: Page) -> int:
        return page.number - 1 + page.base


class EnvelopeSchema(WireSchema, _PageCounts):
    """The paged envelope of Projects, Invoices, Timers and the organisation list."""

    totalItems = fields.Integer(attribute="total")
    items = fields.Raw()
    currentPage = fields.Method("page_number")
    pageSize = fields.Integer(attribute="size")
    totalPages = fields.Method("total_pages")
    hasNext = fields.Method("has_next")


class ContactEnvelopeSchema(WireSchema, _PageCounts):
    """The Contacts envelope, which carries ``"criteria": null`` between the total and the items."""

    totalItems = fields.Integer(attribute="total")
    criteria = fields.Constant(None)
    items = fields.Raw()
    currentPage = fields.Method("page_number")
    pageSize = fields.Integer(attribute="size")
    totalPages = fields.Method("total_pages")
    hasNext = fields.Method("has_next")


ORGANISATION = OrganisationSchema()
STAGE = StageSchema()
TRANSACTION = TransactionSchema()
TASK = TaskSchema()
PROJECT = ProjectSchema()
CONTACT = ContactSchema()
STAFF = StaffSchema()
INVOICE = InvoiceSchema()
TIMESHEET_WEEK = TimesheetWeekSchema()
TIMESHEET_ROW = TimesheetRowSchema()
TIMER = TimerSchema()
ENVELOPE = EnvelopeSchema()
CONTACT_ENVELOPE = ContactEnvelopeSchema()

__all__ = [
    "CONTACT",
    "CONTACT_ENVELOPE",
    "ENVELOPE",
    "INVOICE",
    "ORGANISATION",
    "PROJECT",
    "STAFF",
    "TIMER",
    "TIMESHEET_ROW",
    "TIMESHEET_WEEK",
    "Invoice",
    "Organisation",
    "Page",
    "RenderContext",
    "TimesheetWeek",
    "rendering",
]
