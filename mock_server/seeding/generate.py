"""Generate a scenario's records with one seeded Faker.

Everything random comes from one ``Faker`` instance and its ``random.Random``, both seeded from the
scenario, and ids are handed out in a fixed order. The same scenario, seed, start and signing
secret therefore give identical rows on every run with the same Faker version. Fixture records
are generated first, so their ids do not move when a scenario's counts change.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from faker import Faker

from ..auth import mint_static_key
from ..quota import TIERS
from ..store import models
from ..timezones import utc_to_local

# Contact type ids. The vendor's contact example has 31 and its staff example 0; the others are
# chosen by the emulator.
CONTACT_TYPE_IDS = {"company": 30, "personnel": 31, "individual": 32, "staff": 0}
SALUTATIONS = ((80, "Mr"), (81, "Mrs"), (82, "Ms"), (83, "Dr"))
RATES = (
    ("Director", 260.0),
    ("Associate", 195.0),
    ("Senior Architect", 165.0),
    ("Architect", 135.0),
    ("Graduate", 95.0),
    ("Drafter", 85.0),
    ("Administration", 50.0),
)
MANAGER_RATES = ("Director", "Associate", "Senior Architect")
STAGE_NAMES = (
    "Concept Design",
    "Schematic Design",
    "Design Development",
    "Documentation",
    "Tender",
    "Construction",
    "Post Occupancy",
)
TASK_NAMES = ("Meetings", "Drawings", "Coordination", "Site visit", "Reports", "Modelling")
PROJECT_KINDS = (
    "Library",
    "School",
    "Clinic",
    "Residence",
    "Offices",
    "Apartments",
    "Community Centre",
    "Warehouse",
    "Pavilion",
    "Fit-out",
)
# Timesheet row states: (statusId, status). The vendor example has statusId 50.
DRAFT, SUBMITTED, APPROVED = (10, "Draft"), (30, "Submitted"), (50, "Approved")
INVOICE_TERMS = ((1, "7 Days"), (2, "14 Days"), (3, "30 Days"))
GST_RATE = 0.10

ID_BASES = {
    "organisations": 1,
    "users": 1,
    "rates": 11,
    "contacts": 101,
    "projects": 20001,
    "custom_fields": 1,
    "stages": 30001,
    "tasks": 40001,
    "invoices": 50001,
    "invoice_contacts": 1,
    "timesheet_rows": 1,
    "timers": 1,
    "static_keys": 1,
    "applications": 1,
    "project_statuses": 1,
}


@dataclass
class Batch:
    """Generated rows per model, in an order that satisfies every foreign key."""

    rows: dict[type[models.Base], list[dict[str, Any]]] = field(default_factory=dict)
    default_key: str | None = None
    default_email: str | None = None
    default_slug: str | None = None

    def add(self, model: type[models.Base], row: dict[str, Any]) -> dict[str, Any]:
        self.rows.setdefault(model, []).append(row)
        return row

    def count(self, model: type[models.Base]) -> int:
        return len(self.rows.get(model, []))


INSERT_ORDER: tuple[type[models.Base], ...] = (
    models.Organisation,
    models.QuotaUsage,
    models.ProjectStatus,
    models.Rate,
    models.Contact,
    models.User,
    models.Membership,
    models.StaffProfile,
    models.Project,
    models.ProjectCustomField,
    models.Stage,
    models.Task,
    models.Invoice,
    models.InvoiceContact,
    models.TimesheetRow,
    models.Timer,
    models.Application,
    models.StaticKey,
)


def _rehome_fixture(fixture: dict[str, Any], slug: str, domain: str) -> dict[str, Any]:
    """Return a copy of ``fixture`` for organisation ``slug``, its users at ``domain``."""

    def move(email: str | None) -> str | None:
        return email.split("@", 1)[0] + domain if email else email

    users = [{**user, "email": move(user["email"])} for user in fixture["users"]]
    projects = [{**project, "manager": move(project["manager"])} for project in fixture["projects"]]
    # Application keys are unique across the database, so a clone's keys carry its slug.
    applications = [
        {**app, "application_key": f"{app['application_key']}-{slug}"}
        for app in fixture["applications"]
    ]
    return {
        **fixture,
        "organisation": slug,
        "users": users,
        "projects": projects,
        "members": [],
        "applications": applications,
    }


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())[:30] or "contact"


def _initials(*names: str | None) -> str:
    return "".join(name[0].upper() for name in names if name)


class Generator:
    """Turns a validated scenario into rows."""

    def __init__(
        self,
        scenario: Any,
        start_utc: dt.datetime,
        secret: str,
        id_bases: dict[str, int] | None = None,
    ) -> None:
        self.scenario = scenario
        self.start_utc = start_utc
        self.secret = secret
        self.fake = Faker("en_AU")
        self.fake.seed_instance(scenario.seed)
        self.rng = self.fake.random
        bases = {**ID_BASES, **(id_bases or {})}
        self.ids = {name: itertools.count(base) for name, base in bases.items()}
        self.batch = Batch()
        self.organisation_ids: dict[str, int] = {}
        self.staff_by_email: dict[str, dict[str, Any]] = {}
        self.users_by_email: dict[str, dict[str, Any]] = {}

    def next_id(self, table: str) -> int:
        return next(self.ids[table])

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def run(self, progress: Callable[[str], None] | None = None) -> Batch:
        """Generate every organisation of the scenario and return the rows."""
        for spec in self.scenario.data["organisations"]:
            self.organisation_ids[spec["slug"].lower()] = self.next_id("organisations")
        for spec in self.scenario.data["organisations"]:
            fixtures = [
                f
                for f in self.scenario.fixtures
                if f["organisation"].lower() == spec["slug"].lower()
            ]
            for step in OrganisationBuilder(self, spec, fixtures).build():
                if progress:
                    progress(step)
        self._add_memberships_elsewhere()
        return self.batch

    def run_namespace(self, spec: dict[str, Any], slug: str) -> Batch:
        """Generate a copy of one scenario organisation under a new slug.

        Fixture users keep their names but move to the ``<slug>.example`` domain, because
        e-mail addresses are unique across the whole database.
        """
        source = spec["slug"].lower()
        domain = f"@{_slugify(slug)}.example"
        fixtures = [
            _rehome_fixture(f, slug, domain)
            for f in self.scenario.fixtures
            if f["organisation"].lower() == source
        ]
        clone = {**spec, "slug": slug}
        self.organisation_ids[slug.lower()] = self.next_id("organisations")
        for _ in OrganisationBuilder(self, clone, fixtures).build():
            pass
        return self.batch

    def _add_memberships_elsewhere(self) -> None:
        """Make each fixture's ``members`` (users of other organisations) members here too."""
        for fixture in self.scenario.fixtures:
            for email in fixture["members"]:
                self.batch.add(
                    models.Membership,
                    {
                        "user_id": self.users_by_email[email.lower()]["id"],
                        "organisation_id": self.organisation_ids[fixture["organisation"].lower()],
                        "staff_id": None,
                    },
                )


class OrganisationBuilder:
    """Generates one organisation's records, step by step."""

    def __init__(self, gen: Generator, spec: dict[str, Any], fixtures: list[dict[str, Any]]):
        self.gen = gen
        self.spec = spec
        self.fixtures = fixtures
        self.fake = gen.fake
        self.rng = gen.rng
        self.batch = gen.batch
        self.id = gen.organisation_ids[spec["slug"].lower()]
        self.zone = spec["timezone"]
        self.now = utc_to_local(gen.start_utc, self.zone).replace(microsecond=0)
        self.domain = f"{_slugify(spec['slug'])}.example"
        self.rates: list[dict[str, Any]] = []
        self.staff: list[dict[str, Any]] = []
        self.companies: list[dict[str, Any]] = []
        self.people: list[dict[str, Any]] = []
        self.contact_keys: dict[str, dict[str, Any]] = {}
        self.projects: list[dict[str, Any]] = []
        self.stages: dict[int, list[dict[str, Any]]] = {}
        self.tasks: dict[int, list[dict[str, Any]]] = {}

    def build(self) -> Iterator[str]:
        slug = self.spec["slug"]
        self._organisation()
        self._rates()
        self._fixture_staff()
        self._applications()
        for fixture in self.fixtures:
            for spec in fixture["contacts"]:
                self._fixture_contact(spec)
        self._generated_staff()
        yield f"{slug}: staff"
        self._contacts()
        yield f"{slug}: contacts"
        self._projects()
        yield f"{slug}: projects"
        self._invoices()
        yield f"{slug}: invoices"
        self._timesheets()
        yield f"{slug}: timesheets"
        self._timers()
        yield f"{slug}: timers"

    # Helpers

    def _past(self, min_days: int, max_days: int) -> dt.datetime:
        """Return a local datetime between ``max_days`` and ``min_days`` before the start."""
        seconds = self.rng.randint(min_days * 86400, max_days * 86400)
        return self.now - dt.timedelta(seconds=seconds)

    def _between(self, earlier: dt.datetime, later: dt.datetime) -> dt.datetime:
        span = max(0, int((later - earlier).total_seconds()))
        return earlier + dt.timedelta(seconds=self.rng.randint(0, span))

    def _weighted(self, options: list[Any], weights: list[int]) -> Any:
        return self.rng.choices(options, weights=weights, k=1)[0]

    def _card_id(self, name: str) -> str:
        letters = re.sub(r"[^A-Z]", "", name.upper())[:4].ljust(4, "X")
        return f"{letters}{self.rng.randint(1, 99):02d}"

    def _contact(self, kind: str, **values: Any) -> dict[str, Any]:
        created = values.pop("created_date", None) or self._past(30, 1500)
        row: dict[str, Any] = {
            "id": self.gen.next_id("contacts"),
            "organisation_id": self.id,
            "kind": kind,
            "contact_type_id": CONTACT_TYPE_IDS[kind],
            "company_id": None,
            "first_name": None,
            "last_name": None,
            "initials": None,
            "salutation_id": None,
            "salutation": None,
            "email": None,
            "web": None,
            "job_title": None,
            "card_id": None,
            "avatar": None,
            "staff_type_name": None,
            "roles_display": None,
            "role_ids": [],
            "security_level": 0,
            "is_active": True,
            "mobile": None,
            "phone": None,
            "phone2": None,
            "phone3": None,
            "phone4": None,
            "phone5": None,
            "phone6": None,
            "skype_name": None,
            "twitter": None,
            "linked_in": None,
            "created_date": created,
            "updated_date": self._between(created, self.now),
        }
        row.update(values)
        return self.batch.add(models.Contact, row)

    def _person(self, kind: str, first: str, last: str, **values: Any) -> dict[str, Any]:
        salutation_id, salutation = self.rng.choice(SALUTATIONS)
        return self._contact(
            kind,
            name=f"{first} {last}",
            first_name=first,
            last_name=last,
            initials=_initials(first, last),
            salutation_id=salutation_id,
            salutation=salutation,
            **values,
        )

    # Steps

    def _organisation(self) -> None:
        self.batch.add(
            models.Organisation,
            {
                "id": self.id,
                "slug": self.spec["slug"],
                "slug_key": self.spec["slug"].lower(),
                "name": self.spec["name"],
                "tier": self.spec["tier"],
                "timezone": self.zone,
            },
        )
        calls, transactions = TIERS[self.spec["tier"]]
        self.batch.add(
            models.QuotaUsage,
            {
                "organisation_id": self.id,
                "calls_limit": calls,
                "transactions_limit": transactions,
                "enabled": True,
                "day": None,
                "calls": 0,
                "transactions": 0,
            },
        )

    def _rates(self) -> None:
        for name, amount in RATES:
            self.rates.append(
                self.batch.add(
                    models.Rate,
                    {
                        "id": self.gen.next_id("rates"),
                        "organisation_id": self.id,
                        "name": name,
                        "amount": amount,
                        "rate_type_id": 0,
                        "rate_type": "Hourly",
                    },
                )
            )

    def _rate_named(self, name: str | None) -> dict[str, Any]:
        for rate in self.rates:
            if rate["name"] == name:
                return rate
        fallback: dict[str, Any] = self.rng.choice(self.rates[2:])
        return fallback

    def _staff_member(
        self, first: str, last: str, email: str | None, **profile: Any
    ) -> dict[str, Any]:
        rate = profile.pop("rate")
        contact = self._person(
            "staff",
            first,
            last,
            email=email,
            staff_type_name="Employee",
            job_title=profile.get("position"),
            roles_display=profile.get("position"),
            role_ids=[166],
            security_level=0,
            phone=self.fake.phone_number(),
            mobile=self.fake.phone_number(),
            card_id=_initials(first, last) + "01",
            is_active=profile.get("date_termination") is None,
        )
        employed = self._past(200, 4000).replace(hour=0, minute=0, second=0)
        row = {
            "contact_id": contact["id"],
            "rate_id": rate["id"],
            "can_be_a_manager": profile.pop("can_be_a_manager", rate["name"] in MANAGER_RATES),
            "is_default": False,
            "position": profile.get("position"),
            "date_employment": employed,
            "date_termination": profile.get("date_termination"),
            "reports_to_id": None,
            "bamboo_id": 0,
            "xero_id": None,
            "address": None,
            "city": None,
            "state": None,
            "postcode": None,
            "weekly_capacity_hours": 38.0,
        }
        self.staff.append(self.batch.add(models.StaffProfile, row))
        return contact

    def _fixture_staff(self) -> None:
        for user in (user for fixture in self.fixtures for user in fixture["users"]):
            contact = self._staff_member(
                user["first_name"],
                user["last_name"],
                user["email"],
                rate=self._rate_named(user["rate"]),
                position=user["position"] or "Architect",
                can_be_a_manager=user["can_be_a_manager"],
            )
            self._user(user, contact)

    def _applications(self) -> None:
        for fixture in self.fixtures:
            for app in fixture["applications"]:
                self.batch.add(
                    models.Application,
                    {
                        "id": self.gen.next_id("applications"),
                        "organisation_id": self.id,
                        "name": app["name"],
                        "application_key": app["application_key"],
                        "application_secret": app["application_secret"],
                        "callback_url": app["callback_url"],
                        "is_approved": app["approved"],
                        "is_public": app["public"],
                    },
                )

    def _generated_staff(self) -> None:
        for _ in range(max(0, self.spec["staff"] - len(self.staff))):
            first, last = self.fake.first_name(), self.fake.last_name()
            # About one staff member in twelve has no e-mail address, for ExcludeNoEmails.
            email = None if self.rng.random() < 0.08 else f"{first}.{last}@{self.domain}".lower()
            rate = self.rng.choice(self.rates)
            terminated = self._past(10, 300) if self.rng.random() < 0.06 else None
            self._staff_member(
                first, last, email, rate=rate, position=rate["name"], date_termination=terminated
            )

        if self.staff:
            self.staff[0]["is_default"] = True
        managers = [s for s in self.staff if s["can_be_a_manager"]] or self.staff[:1]
        for member in self.staff:
            boss = self.rng.choice(managers)
            if boss is not member:
                member["reports_to_id"] = boss["contact_id"]

    def _user(self, user: dict[str, Any], contact: dict[str, Any]) -> None:
        row = self.batch.add(
            models.User,
            {
                "id": self.gen.next_id("users"),
                "email": user["email"],
                "email_key": user["email"].lower(),
                "username": user["username"],
                "user_type": user["user_type"],
                "security_level": user["security_level"],
                "is_active": True,
                "default_organisation_id": self.id,
            },
        )
        self.gen.users_by_email[user["email"].lower()] = row
        self.gen.staff_by_email[user["email"].lower()] = contact
        self.batch.add(
            models.Membership,
            {
                "user_id": row["id"],
                "organisation_id": self.id,
                "staff_id": contact["id"],
            },
        )
        if user["static_key_years"]:
            token, expires = mint_static_key(
                user["email"],
                user["username"],
                user["user_type"],
                self.gen.start_utc,
                user["static_key_years"],
                self.gen.secret,
            )
            self.batch.add(
                models.StaticKey,
                {
                    "id": self.gen.next_id("static_keys"),
                    "user_id": row["id"],
                    "token": token,
                    "years": user["static_key_years"],
                    "expires_ticks": expires,
                    "is_fixture": True,
                    "created_at": self.gen.start_utc,
                },
            )
            if self.batch.default_key is None:
                self.batch.default_key = token
                self.batch.default_email = user["email"]
                self.batch.default_slug = self.spec["slug"]

    def _contacts(self) -> None:
        mix = self.spec["contacts"]
        for _ in range(mix["companies"]):
            self._company()
        for _ in range(mix["personnel"]):
            company = self.rng.choice(self.companies) if self.companies else None
            self._individual("personnel", company)
        for _ in range(mix["individuals"]):
            self._individual("individual", None)

    def _fixture_contact(self, spec: dict[str, Any]) -> None:
        company = self.contact_keys.get(spec["company"]) if spec["company"] else None
        if spec["kind"] == "company":
            row = self._contact(
                "company",
                name=spec["name"],
                email=spec["email"],
                card_id=self._card_id(spec["name"]),
            )
            self.companies.append(row)
        else:
            row = self._person(
                spec["kind"],
                spec["first_name"] or spec["name"].split()[0],
                spec["last_name"] or spec["name"].split()[-1],
                email=spec["email"],
                company_id=company["id"] if company else None,
                card_id=self._card_id(spec["name"]),
            )
            row["name"] = spec["name"]
            self.people.append(row)
        self.contact_keys[spec["key"]] = row

    def _company(self) -> None:
        name = self.fake.company()
        domain = f"{_slugify(name)}.example"
        self.companies.append(
            self._contact(
                "company",
                name=name,
                email=f"info@{domain}",
                web=f"https://www.{domain}",
                card_id=self._card_id(name),
                phone=self.fake.phone_number(),
                security_level=50 if self.rng.random() < 0.1 else 0,
                is_active=self.rng.random() > 0.05,
            )
        )

    def _individual(self, kind: str, company: dict[str, Any] | None) -> None:
        first, last = self.fake.first_name(), self.fake.last_name()
        domain = (
            company["email"].split("@", 1)[1] if company and company["email"] else "mail.example"
        )
        self.people.append(
            self._person(
                kind,
                first,
                last,
                email=f"{first}.{last}@{domain}".lower(),
                company_id=company["id"] if company else None,
                job_title=self.fake.job() if company else None,
                card_id=self._card_id(last),
                mobile=self.fake.phone_number(),
                security_level=50 if self.rng.random() < 0.1 else 0,
                is_active=self.rng.random() > 0.05,
            )
        )

    def _projects(self) -> None:
        mix = self.spec["projects"]
        for status in mix["statuses"]:
            self.batch.add(
                models.ProjectStatus,
                {
                    "id": self.gen.next_id("project_statuses"),
                    "organisation_id": self.id,
                    "type_id": status["id"],
                    "name": status["name"],
                    "is_active": status["active"],
                },
            )
        statuses = {status["name"].lower(): status for status in mix["statuses"]}
        managers = [s["contact_id"] for s in self.staff if s["can_be_a_manager"]]
        clients = self.companies + [p for p in self.people if p["kind"] == "individual"]

        for fixture in self.fixtures:
            for spec in fixture["projects"]:
                status = statuses.get(spec["status"].lower())
                if status is None:
                    known = ", ".join(s["name"] for s in mix["statuses"])
                    raise ValueError(
                        f"Fixture project {spec['number']!r} has status {spec['status']!r}; "
                        f"the scenario's statuses are {known}."
                    )
                contact = self.contact_keys.get(spec["primary_contact"] or "")
                manager = self.gen.staff_by_email.get((spec["manager"] or "").lower())
                self._project(
                    status,
                    mix,
                    number=spec["number"],
                    name=spec["name"],
                    primary_contact_id=contact["id"] if contact else None,
                    manager_id=self._fixture_manager(manager, managers),
                    **{
                        k: spec[k]
                        for k in (
                            "client_reference_number",
                            "office",
                            "address1",
                            "town",
                            "state",
                            "zip_code",
                            "scope",
                        )
                        if spec[k]
                    },
                )

        weights = [status["weight"] for status in mix["statuses"]]
        for sequence in range(mix["count"]):
            status = self._weighted(mix["statuses"], weights)
            office = self.rng.choice(mix["offices"])
            office_project = sequence == 0
            client = self.rng.choice(clients) if clients and not office_project else None
            name = (
                f"{self.spec['name']} Office Overheads"
                if office_project
                else f"{self.fake.city()} {self.rng.choice(PROJECT_KINDS)}"
            )
            self._project(
                statuses[mix["statuses"][0]["name"].lower()] if office_project else status,
                mix,
                number=f"{office[:3].upper()}{sequence + 1:06d}",
                name=name,
                primary_contact_id=client["id"] if client else None,
                manager_id=self.rng.choice(managers) if managers else None,
                office=office,
                is_office_project=office_project,
                is_default=office_project,
            )

    @staticmethod
    def _fixture_manager(manager: dict[str, Any] | None, managers: list[int]) -> int | None:
        """Return the fixture's named manager, else the first staff member who can manage."""
        if manager is not None:
            manager_id: int = manager["id"]
            return manager_id
        return managers[0] if managers else None

    def _project(self, status: dict[str, Any], mix: dict[str, Any], **values: Any) -> None:
        start = self._past(20, 1100).replace(hour=0, minute=0, second=0)
        created = start - dt.timedelta(
            days=self.rng.randint(1, 60), seconds=self.rng.randint(0, 86399)
        )
        finished = not status["active"] and status["name"].lower() not in ("proposal", "prospect")
        row: dict[str, Any] = {
            "id": self.gen.next_id("projects"),
            "organisation_id": self.id,
            "scope": self.fake.sentence(nb_words=10),
            "status_name": status["name"],
            "status_type_id": status["id"],
            "is_active": status["active"],
            "is_office_project": False,
            "is_default": False,
            "client_reference_number": f"PO-{self.rng.randint(1000, 99999)}",
            "office": mix["offices"][0],
            "start_date": start,
            "end_date": self._between(start, self.now).replace(hour=0, minute=0, second=0)
            if finished
            else None,
            "created_date": created,
            "updated_date": self._between(created, self.now),
            "address1": self.fake.street_address(),
            "address2": None,
            "town": self.fake.city(),
            "state": self.fake.state_abbr(),
            "zip_code": self.fake.postcode(),
            "country": "Australia",
            "latitude": round(self.rng.uniform(-34.1, -33.6), 6),
            "longitude": round(self.rng.uniform(150.7, 151.3), 6),
        }
        row.update(values)
        row["number_key"] = row["number"].lower()
        row["address_id"] = row["id"]
        self.projects.append(self.batch.add(models.Project, row))

        for position, custom in enumerate(mix["custom_fields"]):
            self.batch.add(
                models.ProjectCustomField,
                {
                    "id": self.gen.next_id("custom_fields"),
                    "project_id": row["id"],
                    "position": position,
                    "name": custom["name"],
                    "display_value": self.rng.choice(custom["values"]),
                },
            )
        self._stages(row, mix)

    def _stages(self, project: dict[str, Any], mix: dict[str, Any]) -> None:
        count = self.rng.randint(mix["stages"]["min"], mix["stages"]["max"])
        first = self.rng.randint(0, max(0, len(STAGE_NAMES) - count))
        stages = []
        for position, name in enumerate(STAGE_NAMES[first : first + count]):
            stage = self.batch.add(
                models.Stage,
                {
                    "id": self.gen.next_id("stages"),
                    "project_id": project["id"],
                    "position": position,
                    "name": name,
                    "phase": "" if position < 2 else f"Phase {position // 2}",
                },
            )
            stages.append(stage)
            tasks = self.rng.sample(
                TASK_NAMES,
                self.rng.randint(
                    mix["tasks_per_stage"]["min"],
                    min(mix["tasks_per_stage"]["max"], len(TASK_NAMES)),
                ),
            )
            self.tasks[stage["id"]] = [
                self.batch.add(
                    models.Task,
                    {
                        "id": self.gen.next_id("tasks"),
                        "project_id": project["id"],
                        "stage_id": stage["id"],
                        "name": task,
                    },
                )
                for task in tasks
            ]
        self.stages[project["id"]] = stages

    def _invoices(self) -> None:
        mix = self.spec["invoices"]
        billable = [p for p in self.projects if not p["is_office_project"]]
        if not billable or not mix["count"]:
            return
        names, weights = list(mix["statuses"]), list(mix["statuses"].values())
        number = 0
        for _ in range(mix["count"]):
            project = self.rng.choice(billable)
            status = self._weighted(names, weights)
            # Drafts have no number yet; so do some cancelled invoices, which were cancelled
            # as drafts, like the vendor's example.
            final = status != "DRAFT" and not (status == "CANCELLED" and self.rng.random() < 0.5)
            number += 1 if final else 0
            issued = self._past(1, 700).replace(hour=0, minute=0, second=0)
            term_id, term = self.rng.choice(INVOICE_TERMS)
            ex_tax = round(self.rng.uniform(800, 60000), 2)
            tax = round(ex_tax * GST_RATE, 2)
            row = self.batch.add(
                models.Invoice,
                {
                    "id": self.gen.next_id("invoices"),
                    "organisation_id": self.id,
                    "project_id": project["id"],
                    "status": status,
                    "invoice_number": f"I{number:07d}" if final else None,
                    "numbering_id": 1,
                    "prefix": "I",
                    "number": number if final else 0,
                    "invoice_type": "I",
                    "text": self.fake.sentence(nb_words=6),
                    "total_ex_tax": ex_tax,
                    "total_tax": tax,
                    "total_inc_tax": round(ex_tax + tax, 2),
                    "date": issued,
                    "date_from": issued - dt.timedelta(days=30),
                    "date_to": issued - dt.timedelta(days=1),
                    "due_date": issued + dt.timedelta(days=int(term.split()[0])),
                    "invoice_term_id": term_id,
                    "invoice_term": term,
                    "created_date": issued,
                    "updated_date": self._between(issued, self.now),
                },
            )
            self._invoice_contact(row, project)

    def _invoice_contact(self, invoice: dict[str, Any], project: dict[str, Any]) -> None:
        contact_id = project["primary_contact_id"] or (
            self.companies[0]["id"] if self.companies else None
        )
        if contact_id is None:
            return
        self.batch.add(
            models.InvoiceContact,
            {
                "id": self.gen.next_id("invoice_contacts"),
                "invoice_id": invoice["id"],
                "position": 0,
                "contact_id": contact_id,
                "attention_contact_id": None,
                "address_id": project["address_id"],
                "address1": project["address1"],
                "address2": project["address2"],
                "town": project["town"],
                "state": project["state"],
                "zip_code": project["zip_code"],
                "country": project["country"],
                "invoice_percent": 100.0,
            },
        )

    def _timesheets(self) -> None:
        weeks = self.spec["timesheets"]["weeks"]
        per_week = self.spec["timesheets"]["rows_per_week"]
        workable = [p for p in self.projects if p["is_active"] and self.stages.get(p["id"])]
        if not weeks or not workable:
            return
        today = self.now.date()
        this_monday = today - dt.timedelta(days=today.weekday())
        for member in self.staff:
            if member["date_termination"] is not None:
                continue
            for back in range(weeks - 1, -1, -1):
                monday = this_monday - dt.timedelta(weeks=back)
                self._week(member, monday, back, today, workable, per_week)

    def _week(
        self,
        member: dict[str, Any],
        monday: dt.date,
        back: int,
        today: dt.date,
        workable: list[dict[str, Any]],
        per_week: dict[str, int],
    ) -> None:
        # Weeks two or more back are approved, last week is submitted and this week is a draft.
        status = DRAFT
        if back == 1:
            status = SUBMITTED
        elif back >= 2:
            status = APPROVED
        count = self.rng.randint(per_week["min"], per_week["max"])
        for project in self.rng.sample(workable, min(count, len(workable))):
            stage = self.rng.choice(self.stages[project["id"]])
            tasks = self.tasks.get(stage["id"]) or []
            task = self.rng.choice(tasks) if tasks else None
            hours = {}
            for offset, day in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
                worked = monday + dt.timedelta(days=offset) <= today and (
                    offset < 5 or self.rng.random() < 0.03
                )
                hours[day] = self.rng.choice((0, 0.5, 1, 1.5, 2, 2.25, 3, 4, 7.5)) if worked else 0
            self.batch.add(
                models.TimesheetRow,
                {
                    "id": self.gen.next_id("timesheet_rows"),
                    "organisation_id": self.id,
                    "staff_id": member["contact_id"],
                    "week_start": monday,
                    "group_id": self.gen.guid(),
                    "project_id": project["id"],
                    "stage_id": stage["id"],
                    "task_id": task["id"] if task else None,
                    "rate_id": member["rate_id"],
                    "overtime_id": 1,
                    "overtime": "Standard",
                    "note": "",
                    **hours,
                    "locked": status == APPROVED,
                    "status_id": status[0],
                    "status": status[1],
                    "approval_note": None,
                    "error": None,
                },
            )

    def _timers(self) -> None:
        mix = self.spec["timers"]
        users = [u for f in self.fixtures for u in f["users"]]
        workable = [p for p in self.projects if p["is_active"] and self.stages.get(p["id"])]
        start = self.gen.start_utc.replace(microsecond=0)
        for user in users:
            user_id = self.gen.users_by_email[user["email"].lower()]["id"]
            for index in range(mix["running"] + mix["paused"]):
                running = index < mix["running"]
                begun = start - dt.timedelta(
                    minutes=self.rng.randint(5, 180 if running else 2000),
                    microseconds=self.rng.randint(0, 999_999),
                )
                ended = None if running else self._between(begun, start)
                project = (
                    self.rng.choice(workable) if workable and self.rng.random() < 0.8 else None
                )
                stage = self.rng.choice(self.stages[project["id"]]) if project else None
                tasks = self.tasks.get(stage["id"]) if stage else None
                self.batch.add(
                    models.Timer,
                    {
                        "id": self.gen.next_id("timers"),
                        "organisation_id": self.id,
                        "user_id": user_id,
                        "group_id": self.gen.guid(),
                        "text": self.fake.sentence(nb_words=4).rstrip("."),
                        "start_date": begun,
                        "end_date": ended,
                        "is_running": running,
                        "elapsed_seconds": int((ended - begun).total_seconds()) if ended else 0,
                        "is_stopped": False,
                        "project_id": project["id"] if project else None,
                        "stage_id": stage["id"] if stage else None,
                        "task_id": tasks[0]["id"] if tasks else None,
                    },
                )
