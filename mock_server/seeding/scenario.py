"""Scenario and fixture files: finding them, and validating them with marshmallow on load."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from ..timezones import WINDOWS_ZONE_IDS, is_supported

SCENARIO_SUFFIXES = (".yaml", ".yml")


class ScenarioError(ValueError):
    """A scenario or fixture file is missing or invalid. The message names the file and field."""


class Range(Schema):
    """A whole-number range ``{min, max}``."""

    class Meta:
        unknown = RAISE

    min = fields.Integer(required=True, validate=validate.Range(min=0))
    max = fields.Integer(required=True, validate=validate.Range(min=0))

    @validates_schema
    def ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data["min"] > data["max"]:
            raise ValidationError("min must not be greater than max.", "min")


class StatusSpec(Schema):
    """A project status: its id (``StatusTypeId``), name, share of projects and active flag."""

    class Meta:
        unknown = RAISE

    id = fields.Integer(required=True, validate=validate.Range(min=1))
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    weight = fields.Integer(required=True, validate=validate.Range(min=0))
    active = fields.Boolean(required=True)


class CustomFieldSpec(Schema):
    """A project custom field and the values it takes."""

    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    values = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


class ContactMix(Schema):
    """How many contacts of each kind to generate."""

    class Meta:
        unknown = RAISE

    companies = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100_000))
    personnel = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100_000))
    individuals = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100_000))


class ProjectMix(Schema):
    """How many projects to generate, and their statuses, custom fields, stages and tasks."""

    class Meta:
        unknown = RAISE

    count = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))
    offices = fields.List(
        fields.String(validate=validate.Length(min=1, max=50)),
        load_default=lambda: ["Sydney"],
        validate=validate.Length(min=1),
    )
    statuses = fields.List(
        fields.Nested(StatusSpec), required=True, validate=validate.Length(min=1)
    )
    custom_fields = fields.List(fields.Nested(CustomFieldSpec), load_default=list)
    stages = fields.Nested(Range, load_default=lambda: {"min": 1, "max": 4})
    tasks_per_stage = fields.Nested(Range, load_default=lambda: {"min": 0, "max": 3})

    @validates_schema
    def within_names(self, data: dict[str, Any], **_: Any) -> None:
        # Stages and tasks take distinct names from fixed lists of 7 and 6.
        if data.get("stages", {}).get("max", 0) > 7:
            raise ValidationError("At most 7 stages per project.", "stages")
        if data.get("tasks_per_stage", {}).get("max", 0) > 6:
            raise ValidationError("At most 6 tasks per stage.", "tasks_per_stage")

    @validates_schema
    def statuses_usable(self, data: dict[str, Any], **_: Any) -> None:
        statuses = data.get("statuses") or []
        ids = [status["id"] for status in statuses]
        names = [status["name"].lower() for status in statuses]
        if len(set(ids)) != len(ids) or len(set(names)) != len(names):
            raise ValidationError("Each status needs its own id and name.", "statuses")
        if statuses and not any(status["weight"] for status in statuses):
            raise ValidationError("At least one status needs a weight above 0.", "statuses")


class InvoiceMix(Schema):
    """How many invoices to generate, with a weight for each upper-case status."""

    class Meta:
        unknown = RAISE

    count = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))
    statuses = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[A-Z_]+$", error="Use upper case.")),
        values=fields.Integer(validate=validate.Range(min=0)),
        load_default=lambda: {"DRAFT": 2, "APPROVED": 3, "PAID": 4, "CANCELLED": 1},
    )

    @validates_schema
    def weighted(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("count") and not any((data.get("statuses") or {}).values()):
            raise ValidationError("At least one status needs a weight above 0.", "statuses")


class TimesheetMix(Schema):
    """How many weeks of timesheets to generate, up to the week of the scenario's start."""

    class Meta:
        unknown = RAISE

    weeks = fields.Integer(required=True, validate=validate.Range(min=0, max=520))
    rows_per_week = fields.Nested(Range, load_default=lambda: {"min": 2, "max": 5})


class TimerMix(Schema):
    """How many running and paused timers each fixture user has."""

    class Meta:
        unknown = RAISE

    running = fields.Integer(load_default=1, validate=validate.Range(min=0, max=50))
    paused = fields.Integer(load_default=3, validate=validate.Range(min=0, max=50))


class OrganisationSpec(Schema):
    """One organisation of a scenario and the records to generate for it."""

    class Meta:
        unknown = RAISE

    slug = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$",
            error="Use letters, digits, '-' and '_', starting with a letter or digit.",
        ),
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    tier = fields.String(load_default="standard", validate=validate.OneOf(["standard", "premium"]))
    timezone = fields.String(load_default="Australia/Sydney")
    staff = fields.Integer(required=True, validate=validate.Range(min=1, max=10_000))
    contacts = fields.Nested(
        ContactMix, load_default=lambda: {"companies": 0, "personnel": 0, "individuals": 0}
    )
    projects = fields.Nested(ProjectMix, required=True)
    invoices = fields.Nested(InvoiceMix, load_default=lambda: {"count": 0, "statuses": {}})
    timesheets = fields.Nested(
        TimesheetMix, load_default=lambda: {"weeks": 0, "rows_per_week": {"min": 0, "max": 0}}
    )
    timers = fields.Nested(TimerMix, load_default=lambda: {"running": 0, "paused": 0})

    @validates_schema
    def known_zone(self, data: dict[str, Any], **_: Any) -> None:
        zone = data.get("timezone")
        if zone is not None and not is_supported(zone):
            known = ", ".join(sorted(WINDOWS_ZONE_IDS))
            raise ValidationError(f"Unknown time zone {zone!r}; use one of: {known}.", "timezone")


class ScenarioSchema(Schema):
    """A scenario file: organisations, record counts and mixes, fixtures and one seed."""

    class Meta:
        unknown = RAISE

    description = fields.String(load_default="")
    seed = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=2**63 - 1))
    start = fields.String(required=True)
    fixtures = fields.List(
        fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]+$")), load_default=list
    )
    organisations = fields.List(
        fields.Nested(OrganisationSpec), required=True, validate=validate.Length(min=1)
    )

    @validates_schema
    def consistent(self, data: dict[str, Any], **_: Any) -> None:
        slugs = [org["slug"].lower() for org in data.get("organisations", [])]
        if len(set(slugs)) != len(slugs):
            raise ValidationError("Each organisation needs its own slug.", "organisations")
        try:
            parse_start(data.get("start", ""))
        except ValueError as error:
            raise ValidationError(str(error), "start") from None


class FixtureUser(Schema):
    """A user with fixed details and, optionally, a static key minted at seeding."""

    class Meta:
        unknown = RAISE

    email = fields.Email(required=True)
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    user_type = fields.String(load_default="2", validate=validate.OneOf(["1", "2", "3"]))
    security_level = fields.Integer(load_default=50, validate=validate.Range(min=0, max=100))
    position = fields.String(load_default=None, allow_none=True)
    rate = fields.String(load_default=None, allow_none=True)
    can_be_a_manager = fields.Boolean(load_default=True)
    static_key_years = fields.Integer(
        load_default=None, allow_none=True, validate=validate.OneOf([1, 3])
    )


class FixtureContact(Schema):
    """A contact with fixed details; ``key`` lets fixture projects refer to it."""

    class Meta:
        unknown = RAISE

    key = fields.String(required=True)
    kind = fields.String(
        required=True, validate=validate.OneOf(["company", "personnel", "individual"])
    )
    name = fields.String(required=True, validate=validate.Regexp(r"\S", error="Must not be blank."))
    first_name = fields.String(load_default=None, allow_none=True)
    last_name = fields.String(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True)
    company = fields.String(load_default=None, allow_none=True)


class FixtureProject(Schema):
    """A project with a fixed number, name and status, linked to fixture contacts by key."""

    class Meta:
        unknown = RAISE

    number = fields.String(required=True, validate=validate.Length(max=50))
    name = fields.String(required=True)
    status = fields.String(required=True)
    primary_contact = fields.String(load_default=None, allow_none=True)
    manager = fields.Email(load_default=None, allow_none=True)
    client_reference_number = fields.String(load_default=None, allow_none=True)
    office = fields.String(load_default=None, allow_none=True)
    address1 = fields.String(load_default=None, allow_none=True)
    town = fields.String(load_default=None, allow_none=True)
    state = fields.String(load_default=None, allow_none=True)
    zip_code = fields.String(load_default=None, allow_none=True)
    scope = fields.String(load_default=None, allow_none=True)


class FixtureApplication(Schema):
    """An OAuth application with fixed keys, as the developer site would generate them."""

    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    application_key = fields.String(required=True, validate=validate.Length(min=8, max=80))
    application_secret = fields.String(required=True, validate=validate.Length(min=8, max=200))
    callback_url = fields.String(required=True, validate=validate.Length(min=1, max=500))
    approved = fields.Boolean(load_default=False)
    public = fields.Boolean(load_default=False)


class FixtureSchema(Schema):
    """A fixture file: exact records for one organisation of a scenario."""

    class Meta:
        unknown = RAISE

    organisation = fields.String(required=True)
    users = fields.List(fields.Nested(FixtureUser), load_default=list)
    members = fields.List(fields.Email(), load_default=list)
    contacts = fields.List(fields.Nested(FixtureContact), load_default=list)
    projects = fields.List(fields.Nested(FixtureProject), load_default=list)
    applications = fields.List(fields.Nested(FixtureApplication), load_default=list)


@dataclass(frozen=True)
class Scenario:
    """A loaded, validated scenario with its fixtures."""

    name: str
    path: Path
    data: dict[str, Any]
    fixtures: list[dict[str, Any]]
    fingerprint: str

    @property
    def seed(self) -> int:
        seed: int = self.data["seed"]
        return seed

    @property
    def description(self) -> str:
        text: str = self.data["description"]
        return text


def parse_start(text: str) -> dt.datetime:
    """Parse a scenario's ``start``: ISO 8601, naive (organisation-local) or with an offset."""
    try:
        return dt.datetime.fromisoformat(str(text))
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO 8601 date-time such as 2025-03-07T09:00:00."
        ) from None


def _format_errors(messages: Any, prefix: str = "") -> list[str]:
    """Flatten marshmallow's nested error messages into ``field.path: problem`` lines."""
    lines: list[str] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = str(key) if key != "_schema" else ""
            joined = f"{prefix}.{path}" if prefix and path else (prefix or path)
            lines.extend(_format_errors(value, joined))
    elif isinstance(messages, list):
        for item in messages:
            lines.extend(_format_errors(item, prefix))
    else:
        lines.append(f"{prefix or '(file)'}: {messages}")
    return lines


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"{path}: cannot be read: {error.strerror}.") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: is not UTF-8 text.") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path}: is not valid YAML: {error}") from None


def validate_file(path: Path, schema: Schema) -> dict[str, Any]:
    """Load and validate ``path``; raise :class:`ScenarioError` naming each bad field."""
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: (file): expected a mapping at the top level.")
    try:
        data: dict[str, Any] = schema.load(raw)
    except ValidationError as error:
        problems = "\n  ".join(_format_errors(error.messages))
        raise ScenarioError(f"{path}: invalid:\n  {problems}") from None
    return data


def find_scenario(name_or_path: str, search_path: list[Path]) -> Path:
    """Return the scenario file for a name (searched in ``search_path``) or an explicit path."""
    candidate = Path(name_or_path)
    looks_like_path = candidate.suffix in SCENARIO_SUFFIXES or "/" in name_or_path
    if looks_like_path:
        if candidate.is_file():
            return candidate
        raise ScenarioError(f"{name_or_path}: scenario file not found.")
    for folder in search_path:
        for suffix in SCENARIO_SUFFIXES:
            path = folder / f"{name_or_path}{suffix}"
            if path.is_file():
                return path
    known = ", ".join(name for name, _ in list_scenarios(search_path)) or "none"
    raise ScenarioError(f"Scenario {name_or_path!r} not found. Known scenarios: {known}.")


def list_scenarios(search_path: list[Path]) -> list[tuple[str, Path]]:
    """Return every scenario name and file in ``search_path``; earlier folders win on a clash."""
    found: dict[str, Path] = {}
    for folder in search_path:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix in SCENARIO_SUFFIXES and path.is_file():
                found.setdefault(path.stem, path)
    return sorted(found.items())


def load_scenario(name_or_path: str, search_path: list[Path], fixture_path: list[Path]) -> Scenario:
    """Find, read and validate a scenario and the fixture files it names."""
    path = find_scenario(name_or_path, search_path)
    data = validate_file(path, ScenarioSchema())
    digest = hashlib.sha256(path.read_bytes())

    slugs = {org["slug"].lower() for org in data["organisations"]}
    fixtures = []
    for fixture_name in data["fixtures"]:
        fixture_file = _find_fixture(fixture_name, fixture_path, path)
        fixture = validate_file(fixture_file, FixtureSchema())
        if fixture["organisation"].lower() not in slugs:
            raise ScenarioError(
                f"{fixture_file}: organisation: {fixture['organisation']!r} is not an "
                f"organisation of scenario {path.stem}."
            )
        _check_fixture_records(fixture_file, data, fixture)
        digest.update(fixture_file.read_bytes())
        fixtures.append(fixture)
    _check_members(path, fixtures)
    return Scenario(path.stem, path, data, fixtures, digest.hexdigest())


def _check_members(path: Path, fixtures: list[dict[str, Any]]) -> None:
    """Check that users are unique and every ``members`` e-mail is a user of another fixture."""
    homes: dict[str, str] = {}
    for fixture in fixtures:
        for user in fixture["users"]:
            email = user["email"].lower()
            if email in homes:
                raise ScenarioError(
                    f"{path}: fixtures: users: {user['email']!r} is defined "
                    "more than once; e-mail addresses must be unique."
                )
            homes[email] = fixture["organisation"].lower()
    for fixture in fixtures:
        for email in fixture["members"]:
            home = homes.get(email.lower())
            if home is None:
                raise ScenarioError(
                    f"{path}: fixtures: members: {email!r} of organisation "
                    f"{fixture['organisation']!r} is not a user of any fixture of this scenario."
                )
            if home == fixture["organisation"].lower():
                raise ScenarioError(
                    f"{path}: fixtures: members: {email!r} already belongs to "
                    f"{fixture['organisation']!r}; list only users of other organisations."
                )


def _check_fixture_records(path: Path, data: dict[str, Any], fixture: dict[str, Any]) -> None:
    """Check that fixture projects name known statuses, contacts and managers."""
    spec = next(
        o for o in data["organisations"] if o["slug"].lower() == fixture["organisation"].lower()
    )
    statuses = {s["name"].lower() for s in spec["projects"]["statuses"]}
    keys = {c["key"] for c in fixture["contacts"]}
    managers = {u["email"].lower() for u in fixture["users"]}
    for index, project in enumerate(fixture["projects"]):
        where = f"{path}: projects.{index}"
        if project["status"].lower() not in statuses:
            raise ScenarioError(
                f"{where}.status: {project['status']!r} is not a status of "
                f"organisation {spec['slug']!r}."
            )
        if project["primary_contact"] and project["primary_contact"] not in keys:
            raise ScenarioError(
                f"{where}.primary_contact: no contact with key "
                f"{project['primary_contact']!r} in this fixture."
            )
        if project["manager"] and project["manager"].lower() not in managers:
            raise ScenarioError(
                f"{where}.manager: {project['manager']!r} is not a user of this fixture."
            )
    for index, contact in enumerate(fixture["contacts"]):
        if contact["company"] and contact["company"] not in keys:
            raise ScenarioError(
                f"{path}: contacts.{index}.company: no contact with key "
                f"{contact['company']!r} in this fixture."
            )


def _find_fixture(name: str, fixture_path: list[Path], scenario_path: Path) -> Path:
    for folder in fixture_path:
        for suffix in SCENARIO_SUFFIXES:
            path = folder / f"{name}{suffix}"
            if path.is_file():
                return path
    raise ScenarioError(f"{scenario_path}: fixtures: fixture file {name!r} not found.")


__all__ = ["Scenario", "ScenarioError", "list_scenarios", "load_scenario"]
