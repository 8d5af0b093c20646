"""SQLAlchemy models for every record the emulator serves.

Record dates (``created_date``, ``start_date`` and so on) are naive datetimes in the owning
organisation's time zone, because the real API writes them that way. Timer times are naive UTC,
because timers are written with a ``Z``. Staff are contacts of kind ``staff``, so staff and contacts
share one id space, as the real API's timesheet route assumes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Organisation(Base):
    """A Synergy organisation, addressed in URLs by its slug."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100))
    slug_key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(20), default="standard")
    timezone: Mapped[str] = mapped_column(String(64))
    # Set on a namespace: the slug of the scenario organisation it was cloned from.
    cloned_from: Mapped[str | None] = mapped_column(String(100))


class User(Base):
    """A person who can sign in and hold static keys; linked to a staff contact per organisation."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    username: Mapped[str] = mapped_column(String(100))
    user_type: Mapped[str] = mapped_column(String(4))
    security_level: Mapped[int] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    default_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))

    default_organisation: Mapped[Organisation] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class Membership(Base):
    """A user's place in one organisation, and the staff contact that represents them there."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()


class Rate(Base):
    """A named charge-out rate, such as "Senior Architect" at $180.00 an hour."""

    __tablename__ = "rates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    amount: Mapped[float] = mapped_column(Float)
    rate_type_id: Mapped[int] = mapped_column(Integer, default=0)
    rate_type: Mapped[str] = mapped_column(String(50), default="Hourly")


class Contact(Base):
    """A company, a person at a company (personnel), an individual, or a staff member."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_org_kind", "organisation_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    contact_type_id: Mapped[int] = mapped_column(Integer)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    initials: Mapped[str | None] = mapped_column(String(10))
    salutation_id: Mapped[int | None] = mapped_column(Integer)
    salutation: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    web: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(100))
    card_id: Mapped[str | None] = mapped_column(String(20))
    avatar: Mapped[str | None] = mapped_column(String(200))
    staff_type_name: Mapped[str | None] = mapped_column(String(50))
    roles_display: Mapped[str | None] = mapped_column(String(200))
    role_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    security_level: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    mobile: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))
    phone2: Mapped[str | None] = mapped_column(String(40))
    phone3: Mapped[str | None] = mapped_column(String(40))
    phone4: Mapped[str | None] = mapped_column(String(40))
    phone5: Mapped[str | None] = mapped_column(String(40))
    phone6: Mapped[str | None] = mapped_column(String(40))
    skype_name: Mapped[str | None] = mapped_column(String(100))
    twitter: Mapped[str | None] = mapped_column(String(100))
    linked_in: Mapped[str | None] = mapped_column(String(200))
    created_date: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_date: Mapped[dt.datetime] = mapped_column(DateTime)

    organisation: Mapped[Organisation] = relationship()
    company: Mapped[Contact | None] = relationship(remote_side=[id])
    staff: Mapped[StaffProfile | None] = relationship(
        back_populates="contact",
        uselist=False,
        foreign_keys="StaffProfile.contact_id",
        cascade="all, delete-orphan",
    )


class StaffProfile(Base):
    """The employment details of a contact of kind ``staff``."""

    __tablename__ = "staff"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    rate_id: Mapped[int | None] = mapped_column(ForeignKey("rates.id", ondelete="SET NULL"))
    can_be_a_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[str | None] = mapped_column(String(100))
    date_employment: Mapped[dt.datetime] = mapped_column(DateTime)
    date_termination: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reports_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    bamboo_id: Mapped[int] = mapped_column(Integer, default=0)
    xero_id: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(50))
    postcode: Mapped[str | None] = mapped_column(String(20))
    weekly_capacity_hours: Mapped[float] = mapped_column(Float, default=38.0)

    contact: Mapped[Contact] = relationship(back_populates="staff", foreign_keys=[contact_id])
    rate: Mapped[Rate | None] = relationship()
    reports_to: Mapped[Contact | None] = relationship(foreign_keys=[reports_to_id])


class Project(Base):
    """A project (a "job"), with its address, status, manager and primary contact."""

    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("organisation_id", "number_key", name="uq_projects_org_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(50))
    number_key: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str | None] = mapped_column(Text)
    status_name: Mapped[str] = mapped_column(String(50))
    status_type_id: Mapped[int] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean)
    is_office_project: Mapped[bool] = mapped_column(Boolean, default=False)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    primary_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    client_reference_number: Mapped[str | None] = mapped_column(String(50))
    office: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[dt.datetime | None] = mapped_column(DateTime)
    end_date: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_date: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_date: Mapped[dt.datetime] = mapped_column(DateTime)
    address_id: Mapped[int] = mapped_column(Integer)
    address1: Mapped[str | None] = mapped_column(String(200))
    address2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(50))
    zip_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    organisation: Mapped[Organisation] = relationship()
    manager: Mapped[Contact | None] = relationship(foreign_keys=[manager_id])
    primary_contact: Mapped[Contact | None] = relationship(foreign_keys=[primary_contact_id])
    custom_fields: Mapped[list[ProjectCustomField]] = relationship(
        order_by="ProjectCustomField.position", cascade="all, delete-orphan"
    )
    stages: Mapped[list[Stage]] = relationship(
        back_populates="project", order_by="Stage.position", cascade="all, delete-orphan"
    )


class ProjectCustomField(Base):
    """One custom field value of a project, such as "Project sector: Educational"."""

    __tablename__ = "project_custom_fields"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    display_value: Mapped[str | None] = mapped_column(String(200))


class Stage(Base):
    """A stage of a project, such as "Design Development"."""

    __tablename__ = "stages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    phase: Mapped[str] = mapped_column(String(100), default="")

    project: Mapped[Project] = relationship(back_populates="stages")
    tasks: Mapped[list[Task]] = relationship(
        back_populates="stage", order_by="Task.id", cascade="all, delete-orphan"
    )


class Task(Base):
    """A task within a project stage."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))

    stage: Mapped[Stage] = relationship(back_populates="tasks")


class Invoice(Base):
    """An invoice raised against a project."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(30))
    invoice_number: Mapped[str | None] = mapped_column(String(30))
    numbering_id: Mapped[int] = mapped_column(Integer)
    prefix: Mapped[str] = mapped_column(String(10))
    number: Mapped[int] = mapped_column(Integer)
    invoice_type: Mapped[str] = mapped_column(String(4))
    text: Mapped[str | None] = mapped_column(Text)
    total_ex_tax: Mapped[float] = mapped_column(Float)
    total_tax: Mapped[float] = mapped_column(Float)
    total_inc_tax: Mapped[float] = mapped_column(Float)
    date: Mapped[dt.datetime] = mapped_column(DateTime)
    date_from: Mapped[dt.datetime] = mapped_column(DateTime)
    date_to: Mapped[dt.datetime] = mapped_column(DateTime)
    due_date: Mapped[dt.datetime] = mapped_column(DateTime)
    invoice_term_id: Mapped[int] = mapped_column(Integer)
    invoice_term: Mapped[str] = mapped_column(String(50))
    created_date: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_date: Mapped[dt.datetime] = mapped_column(DateTime)

    project: Mapped[Project] = relationship()
    contacts: Mapped[list[InvoiceContact]] = relationship(
        order_by="InvoiceContact.position", cascade="all, delete-orphan"
    )


class InvoiceContact(Base):
    """A contact an invoice is addressed to, with the share of the invoice they pay."""

    __tablename__ = "invoice_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    attention_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    address_id: Mapped[int] = mapped_column(Integer)
    address1: Mapped[str | None] = mapped_column(String(200))
    address2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(50))
    zip_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(100))
    invoice_percent: Mapped[float] = mapped_column(Float, default=100.0)

    contact: Mapped[Contact] = relationship(foreign_keys=[contact_id])
    attention_contact: Mapped[Contact | None] = relationship(foreign_keys=[attention_contact_id])


class TimesheetRow(Base):
    """One row of a staff member's week: hours against a project, stage and task per weekday."""

    __tablename__ = "timesheet_rows"
    __table_args__ = (
        Index("ix_timesheet_staff_week", "staff_id", "week_start"),
        UniqueConstraint("organisation_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    week_start: Mapped[dt.date] = mapped_column(Date)
    group_id: Mapped[str] = mapped_column(String(36))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    rate_id: Mapped[int | None] = mapped_column(ForeignKey("rates.id", ondelete="SET NULL"))
    overtime_id: Mapped[int] = mapped_column(Integer, default=1)
    overtime: Mapped[str] = mapped_column(String(50), default="Standard")
    note: Mapped[str] = mapped_column(String(500), default="")
    mon: Mapped[float] = mapped_column(Float, default=0.0)
    tue: Mapped[float] = mapped_column(Float, default=0.0)
    wed: Mapped[float] = mapped_column(Float, default=0.0)
    thu: Mapped[float] = mapped_column(Float, default=0.0)
    fri: Mapped[float] = mapped_column(Float, default=0.0)
    sat: Mapped[float] = mapped_column(Float, default=0.0)
    sun: Mapped[float] = mapped_column(Float, default=0.0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    status_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(30))
    approval_note: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(String(500))

    project: Mapped[Project] = relationship()
    stage: Mapped[Stage] = relationship()
    task: Mapped[Task | None] = relationship()
    rate: Mapped[Rate | None] = relationship()


class Timer(Base):
    """A user's running or paused timer. Times are naive UTC."""

    __tablename__ = "timers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[str] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(String(500), default="")
    start_date: Mapped[dt.datetime] = mapped_column(DateTime)
    end_date: Mapped[dt.datetime | None] = mapped_column(DateTime)
    is_running: Mapped[bool] = mapped_column(Boolean)
    elapsed_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # A stopped timer is finished: it cannot be resumed and no longer appears in GET Timers.
    is_stopped: Mapped[bool] = mapped_column(Boolean, default=False)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id", ondelete="SET NULL"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship()
    project: Mapped[Project | None] = relationship()
    stage: Mapped[Stage | None] = relationship()
    task: Mapped[Task | None] = relationship()


class StaticKey(Base):
    """A static API key issued to a user. The token is kept so the CLI can show it again."""

    __tablename__ = "static_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(Text, unique=True)
    years: Mapped[int] = mapped_column(Integer)
    expires_ticks: Mapped[int] = mapped_column(BigInteger)
    is_fixture: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Set on an OAuth access token: the application it was issued to. NULL on a static key.
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )

    user: Mapped[User] = relationship()


class ClockState(Base):
    """The server clock: an offset from real time, or a frozen instant (both in UTC).

    The row with ``organisation_id`` NULL is the global clock.
    """

    __tablename__ = "clock"
    __table_args__ = (UniqueConstraint("organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    offset_microseconds: Mapped[int] = mapped_column(BigInteger, default=0)
    frozen_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class MetaEntry(Base):
    """A key/value fact about the database itself, such as which scenario seeded it."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class NamespaceCounter(Base):
    """One row per namespace ever created; the row id makes each namespace slug unique."""

    __tablename__ = "namespace_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class JournalEntry(Base):
    """One request to the emulated API, as the control plane's journal reports it."""

    __tablename__ = "journal"
    __table_args__ = (Index("ix_journal_org_id", "organisation_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    organisation_slug: Mapped[str | None] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(Text)
    query: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    duration_ms: Mapped[float] = mapped_column(Float)
    # The fault the emulator applied on purpose, such as ``rule 3``, or NULL.
    fault: Mapped[str | None] = mapped_column(String(100))


class Application(Base):
    """An OAuth application: its public key (``ApplicationKey``) and private key."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    application_key: Mapped[str] = mapped_column(String(100), unique=True)
    application_secret: Mapped[str] = mapped_column(String(200))
    callback_url: Mapped[str] = mapped_column(String(500))
    is_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation: Mapped[Organisation] = relationship()


class AuthorisationCode(Base):
    """A single-use code from the Authorize page, exchanged for tokens."""

    __tablename__ = "authorisation_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(String(500))
    tenant: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class RefreshToken(Base):
    """An opaque refresh token; a refresh with rotation on revokes it."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(200), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    tenant: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class ProjectStatus(Base):
    """A project status an organisation offers: its ``StatusTypeId``, name and active flag."""

    __tablename__ = "project_statuses"
    __table_args__ = (UniqueConstraint("organisation_id", "type_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    type_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(50))
    is_active: Mapped[bool] = mapped_column(Boolean)


class TransactionRecord(Base):
    """Hours written through the Transactions API, and the timesheet row that contains them."""

    __tablename__ = "transactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    from_date: Mapped[dt.date] = mapped_column(Date)
    to_date: Mapped[dt.date] = mapped_column(Date)
    units: Mapped[float] = mapped_column(Float)
    timesheet_row_id: Mapped[int | None] = mapped_column(
        ForeignKey("timesheet_rows.id", ondelete="SET NULL")
    )
    created_date: Mapped[dt.datetime] = mapped_column(DateTime)


class QuotaUsage(Base):
    """An organisation's daily call quota: its limits and what it used on ``day``.

    ``day`` is the quota day (a date in the quota time zone) that ``calls`` and ``transactions``
    count. On a later day the counts start again from zero.
    """

    __tablename__ = "quotas"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    calls_limit: Mapped[int] = mapped_column(Integer)
    transactions_limit: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    day: Mapped[dt.date | None] = mapped_column(Date)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    transactions: Mapped[int] = mapped_column(Integer, default=0)


class FaultRule(Base):
    """A rule that makes matching API calls fail, stall or misbehave on purpose."""

    __tablename__ = "fault_rules"
    # AUTOINCREMENT, so a removed rule's id is never given to a new one.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    method: Mapped[str | None] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    status: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(String(500))
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[str | None] = mapped_column(String(20))
    drop: Mapped[bool] = mapped_column(Boolean, default=False)
    # Calls left to affect; NULL means until the rule is removed.
    remaining: Mapped[int | None] = mapped_column(Integer)
    probability: Mapped[float | None] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    fired: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
