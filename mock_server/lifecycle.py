"""Whole-store operations behind the control plane: reset, snapshots, scenarios and namespaces.

These take a :class:`Store` and settings, raise :class:`ControlError` for the caller's mistakes,
and know nothing of HTTP.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from . import clock, oauth
from .auth import issue_static_key
from .config import Settings
from .seeding import resolve_start, scenario_snapshot_name, seed
from .seeding.generate import INSERT_ORDER, Generator
from .seeding.scenario import Scenario, ScenarioError, list_scenarios, load_scenario
from .seeding.state import META_CLOCK_READINGS, META_RESET_SNAPSHOT, META_SCENARIO, META_START
from .store import Store, models, snapshots
from .store.models import (
    JournalEntry,
    MetaEntry,
    NamespaceCounter,
    Organisation,
    StaticKey,
    User,
)
from .timezones import from_ticks
from .web import with_query

log = logging.getLogger(__name__)

RESERVED_PREFIX = "_"


class ControlError(Exception):
    """A control-plane request that cannot be carried out; ``status`` and ``code`` describe why."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _snapshot_call(action: Any, *args: Any) -> None:
    try:
        action(*args)
    except snapshots.SnapshotError as error:
        code = {400: "invalid_name", 404: "not_found", 501: "not_supported"}.get(error.status)
        raise ControlError(error.status, code or "snapshot_failed", str(error)) from None


def _write_clock_readings(store: Store) -> None:
    with store.session() as session:
        readings = json.dumps(clock.readings(session))
        session.merge(MetaEntry(key=META_CLOCK_READINGS, value=readings))


def _rewind_clocks(store: Store) -> None:
    with store.session() as session:
        entry = session.get(MetaEntry, META_CLOCK_READINGS)
        if entry is not None:
            clock.rewind(session, json.loads(entry.value))


def reset(store: Store) -> dict[str, Any]:
    """Restore the loaded scenario: records, keys, clock and journal, as seeded."""
    began = time.perf_counter()
    name = store.read_meta().get(META_RESET_SNAPSHOT)
    if not name:
        raise ControlError(
            409,
            "not_seeded",
            "The database has not been seeded, so there is "
            "nothing to reset to. Run synergy-mock seed first.",
        )
    _snapshot_call(snapshots.restore, store, name)
    _rewind_clocks(store)
    meta = store.read_meta()
    elapsed = time.perf_counter() - began
    log.info("Reset to scenario %s in %.1f ms", meta.get(META_SCENARIO), elapsed * 1000)
    return {
        "status": "reset",
        "scenario": meta.get(META_SCENARIO),
        "milliseconds": elapsed * 1000,
        **organisation_summary(store, meta.get("default_slug")),
    }


def organisation_summary(store: Store, slug: str | None) -> dict[str, Any]:
    """Return an organisation's slug, a ready key and its users with their keys."""
    with store.session() as session:
        organisation = session.scalar(
            select(Organisation).where(Organisation.slug_key == (slug or "").lower())
        )
        if organisation is None:
            return {"slug": slug, "key": None, "users": []}
        users = _namespace_users(session, organisation.id)
    return {
        "slug": organisation.slug,
        "key": next((u.key for u in users if u.key), None),
        "users": [
            {
                "email": u.email,
                "username": u.username,
                "userType": u.user_type,
                "staffId": u.staff_id,
                "key": u.key,
            }
            for u in users
        ],
    }


def check_snapshot_name(name: Any) -> str:
    """Return ``name`` if it is a valid user snapshot name; a leading ``_`` is reserved."""
    if not isinstance(name, str) or not snapshots.NAME_PATTERN.match(name):
        raise ControlError(
            400,
            "invalid_name",
            "Field 'name' must be 1-64 letters, digits, '.', "
            "'_' or '-', starting with a letter or digit.",
        )
    if name.startswith(RESERVED_PREFIX):
        raise ControlError(
            400,
            "invalid_name",
            f"Snapshot names starting with '{RESERVED_PREFIX}' are reserved: {name!r}.",
        )
    return name


def take_snapshot(store: Store, name: Any) -> dict[str, Any]:
    """Save the whole current state as snapshot ``name``."""
    check_snapshot_name(name)
    _write_clock_readings(store)
    _snapshot_call(snapshots.take, store, name)
    return {"status": "saved", "name": name}


def restore_snapshot(store: Store, name: str) -> dict[str, Any]:
    """Bring back the state saved as snapshot ``name``, clock readings included."""
    check_snapshot_name(name)
    _snapshot_call(snapshots.restore, store, name)
    _rewind_clocks(store)
    return {"status": "restored", "name": name}


def find_scenario_file(settings: Settings, name: Any) -> Path:
    """Return the scenario file called ``name`` inside the configured scenario folders only.

    A name is a bare file stem: paths, ``..`` and files reached through a link that points outside
    the folders are rejected.
    """
    if (
        not isinstance(name, str)
        or not name
        or not name.replace("-", "").replace("_", "").isalnum()
    ):
        raise ControlError(
            400,
            "invalid_scenario",
            "Field 'name' must be a scenario name (letters, digits, '-' and '_'), not a path.",
        )
    folders = settings.scenario_search_path()
    for known, path in list_scenarios(folders):
        if known != name:
            continue
        real = path.resolve()
        if any(real.is_relative_to(folder.resolve()) for folder in folders if folder.is_dir()):
            return path
        raise ControlError(
            400, "invalid_scenario", f"Scenario {name!r} points outside the scenario folders."
        )
    known_names = ", ".join(n for n, _ in list_scenarios(folders))
    raise ControlError(404, "not_found", f"Scenario {name!r} not found. Known: {known_names}.")


def _load(settings: Settings, name: Any, seed_value: Any) -> Scenario:
    path = find_scenario_file(settings, name)
    try:
        scenario = load_scenario(str(path), [], settings.fixture_search_path())
    except ScenarioError as error:
        raise ControlError(422, "invalid_scenario", str(error)) from None
    if seed_value is not None:
        if not isinstance(seed_value, int) or isinstance(seed_value, bool) or seed_value < 0:
            raise ControlError(
                400, "invalid_seed", "Field 'seed' must be a whole number, 0 or more."
            )
        scenario = Scenario(
            scenario.name,
            scenario.path,
            {**scenario.data, "seed": seed_value},
            scenario.fixtures,
            scenario.fingerprint,
        )
    return scenario


def load_named_scenario(
    store: Store, settings: Settings, name: Any, seed_value: Any
) -> dict[str, Any]:
    """Replace the store with scenario ``name``, from its snapshot if it was loaded before."""
    scenario = _load(settings, name, seed_value)
    start_utc = resolve_start(scenario, settings.anchor)
    snapshot = scenario_snapshot_name(scenario, start_utc, settings.secret_key)
    began = time.perf_counter()
    if snapshots.is_sqlite(store) and snapshots.exists(store, snapshot):
        _snapshot_call(snapshots.restore, store, snapshot)
        _rewind_clocks(store)
    else:
        seed(store, scenario, start_utc, settings.secret_key)
    meta = store.read_meta()
    log.info("Loaded scenario %s (seed %s)", scenario.name, scenario.seed)
    return {
        "status": "loaded",
        "scenario": scenario.name,
        "seed": scenario.seed,
        "milliseconds": (time.perf_counter() - began) * 1000,
        **organisation_summary(store, meta.get("default_slug")),
    }


@dataclass(frozen=True)
class NamespaceUser:
    """A user of a new namespace, with a key minted for them if the fixture asked for one."""

    email: str
    username: str
    user_type: str
    staff_id: int | None
    key: str | None


def _id_bases(session: Session) -> dict[str, int]:
    tables = {
        "organisations": models.Organisation,
        "users": models.User,
        "rates": models.Rate,
        "contacts": models.Contact,
        "projects": models.Project,
        "custom_fields": models.ProjectCustomField,
        "stages": models.Stage,
        "tasks": models.Task,
        "invoices": models.Invoice,
        "invoice_contacts": models.InvoiceContact,
        "timesheet_rows": models.TimesheetRow,
        "timers": models.Timer,
        "static_keys": models.StaticKey,
        "applications": models.Application,
        "project_statuses": models.ProjectStatus,
    }
    bases = {}
    for name, model in tables.items():
        highest = session.scalar(select(func.max(model.id)))  # type: ignore[attr-defined]
        bases[name] = int(highest or 0) + 1
    return bases


def create_namespace(
    store: Store, settings: Settings, scenario_name: Any = None, seed_value: Any = None
) -> dict[str, Any]:
    """Clone a scenario's first organisation under a new, unique slug, with its fixture users."""
    meta = store.read_meta()
    name = scenario_name if scenario_name is not None else meta.get(META_SCENARIO)
    if name is None:
        raise ControlError(409, "not_seeded", "The database has not been seeded yet.")
    scenario = _load(settings, name, seed_value)
    spec = scenario.data["organisations"][0]
    # The clone starts where its scenario starts when seeded; with the anchor "now", where the
    # loaded scenario started.
    floating = (settings.anchor or "").strip().lower() == "now"
    if floating and meta.get(META_START):
        start_utc = dt.datetime.fromisoformat(meta[META_START])
    else:
        start_utc = resolve_start(scenario, settings.anchor)

    with store.session() as session:
        counter = NamespaceCounter(created_at=clock.real_utcnow())
        session.add(counter)
        session.flush()
        slug = f"{spec['slug']}-ns{counter.id}"
        generator = Generator(scenario, start_utc, settings.secret_key, _id_bases(session))
        batch = generator.run_namespace(spec, slug)
        for model in INSERT_ORDER:
            rows = batch.rows.get(model, [])
            if rows:
                session.execute(insert(model), rows)
        organisation = session.scalar(select(Organisation).where(Organisation.slug == slug))
        assert organisation is not None  # just inserted
        organisation.cloned_from = spec["slug"]
        clock.start_organisation(session, organisation.id, start_utc)
    log.info("Created namespace %s from scenario %s", slug, scenario.name)
    return {"scenario": scenario.name, **organisation_summary(store, slug)}


def _namespace_users(session: Session, organisation_id: int) -> list[NamespaceUser]:
    rows = session.execute(
        select(User, models.Membership.staff_id)
        .join(models.Membership, models.Membership.user_id == User.id)
        .where(models.Membership.organisation_id == organisation_id)
        .order_by(User.id)
    ).all()
    found = []
    for user, staff_id in rows:
        key = session.scalar(
            select(StaticKey.token).where(StaticKey.user_id == user.id).order_by(StaticKey.id)
        )
        found.append(NamespaceUser(user.email, user.username, user.user_type, staff_id, key))
    return found


def delete_namespace(store: Store, slug: str) -> dict[str, Any]:
    """Remove namespace ``slug`` with every record, user, key and journal row in it."""
    with store.session() as session:
        organisation = session.scalar(
            select(Organisation).where(Organisation.slug_key == slug.lower())
        )
        if organisation is None or organisation.cloned_from is None:
            raise ControlError(
                404,
                "not_found",
                f"No namespace {slug!r}. Only namespaces made "
                "by POST /_mock/namespaces can be deleted.",
            )
        organisation_id = organisation.id
        session.execute(delete(JournalEntry).where(JournalEntry.organisation_id == organisation_id))
        session.execute(delete(User).where(User.default_organisation_id == organisation_id))
        session.execute(delete(Organisation).where(Organisation.id == organisation_id))
    log.info("Deleted namespace %s", slug)
    return {"status": "deleted", "slug": slug}


def mint_token(store: Store, settings: Settings, email: Any, years: Any) -> dict[str, Any]:
    """Issue a static key for the user with ``email``, valid for 1 or 3 years."""
    if not isinstance(email, str) or not email:
        raise ControlError(400, "invalid_email", "Field 'email' is required: a user's e-mail.")
    if years is None:
        years = 1
    if years not in (1, 3) or isinstance(years, bool):
        raise ControlError(400, "invalid_years", "Field 'years' must be 1 or 3.")
    with store.session() as session:
        user = session.scalar(select(User).where(User.email_key == email.lower()))
        if user is None:
            raise ControlError(404, "not_found", f"No user with e-mail {email!r}.")
        now = clock.utcnow(session, user.default_organisation_id)
        key = issue_static_key(session, user, now, years, settings.secret_key)
        return {
            "key": key.token,
            "email": user.email,
            "organisation": user.default_organisation.slug,
            "years": years,
            "expires": _ticks_to_iso(key.expires_ticks),
        }


def _ticks_to_iso(ticks: int) -> str:
    return from_ticks(ticks).strftime("%Y-%m-%dT%H:%M:%SZ")


def _application_dict(application: models.Application, slug: str) -> dict[str, Any]:
    return {
        "name": application.name,
        "organisation": slug,
        "applicationKey": application.application_key,
        "applicationSecret": application.application_secret,
        "callbackUrl": application.callback_url,
        "approved": application.is_approved,
        "public": application.is_public,
    }


def list_applications(store: Store) -> list[dict[str, Any]]:
    """Return every OAuth application with its keys."""
    with store.session() as session:
        rows = session.execute(
            select(models.Application, Organisation.slug)
            .join(Organisation, Organisation.id == models.Application.organisation_id)
            .order_by(models.Application.id)
        ).all()
        return [_application_dict(application, slug) for application, slug in rows]


def create_application(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    """Register an application; keys are generated unless the body gives them."""
    name, organisation, callback = (
        body.get("name"),
        body.get("organisation"),
        body.get("callbackUrl"),
    )
    for field_name, value in (
        ("name", name),
        ("organisation", organisation),
        ("callbackUrl", callback),
    ):
        if not isinstance(value, str) or not value.strip():
            raise ControlError(400, "invalid_body", f"Field '{field_name}' is required.")
    for flag in ("approved", "public"):
        if not isinstance(body.get(flag, False), bool):
            raise ControlError(400, "invalid_body", f"Field '{flag}' must be true or false.")
    with store.session() as session:
        owner = session.scalar(
            select(Organisation).where(Organisation.slug_key == str(organisation).lower())
        )
        if owner is None:
            raise ControlError(404, "not_found", f"No organisation {organisation!r}.")
        key = body.get("applicationKey") or secrets.token_hex(16)
        if (
            session.scalar(
                select(models.Application.id).where(models.Application.application_key == key)
            )
            is not None
        ):
            raise ControlError(409, "conflict", f"An application already has the key {key!r}.")
        application = models.Application(
            organisation_id=owner.id,
            name=str(name),
            application_key=str(key),
            application_secret=str(body.get("applicationSecret") or secrets.token_urlsafe(32)),
            callback_url=str(callback),
            is_approved=body.get("approved", False),
            is_public=body.get("public", False),
        )
        session.add(application)
        session.flush()
        return _application_dict(application, owner.slug)


def approve(store: Store, settings: Settings, body: dict[str, Any]) -> dict[str, Any]:
    """Approve an application on a user's behalf, as the Authorize page would; return the code."""
    with store.session() as session:
        try:
            application = oauth.find_application(session, body.get("applicationKey"))
            redirect_uri = oauth.check_redirect(
                application, body.get("redirectUri") or application.callback_url
            )
            user = session.scalar(
                select(User).where(User.email_key == str(body.get("email") or "").lower())
            )
            if user is None:
                raise oauth.OAuthError(f"No user with e-mail {body.get('email')!r}.", status=404)
            oauth.check_user_allowed(session, application, user)
            code = oauth.issue_code(
                session, settings, application, user, redirect_uri, str(body.get("tenant") or "")
            )
        except oauth.OAuthError as error:
            raise ControlError(error.status, "oauth_error", error.message) from None
    extra = [("code", code)]
    if body.get("state") is not None:
        extra.append(("state", str(body["state"])))
    return {"code": code, "redirect": with_query(redirect_uri, extra)}
