"""Seeding: build the database from a scenario, or keep it if it already contains that scenario."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert

from ..clock import real_utcnow, start_at
from ..config import Settings
from ..store import SCHEMA_VERSION, Store, snapshots
from ..store.models import MetaEntry
from ..timezones import local_to_utc
from .generate import INSERT_ORDER, Generator
from .scenario import Scenario, ScenarioError, load_scenario, parse_start
from .state import (
    META_CLOCK_READINGS,
    META_FINGERPRINT,
    META_RESET_SNAPSHOT,
    META_SCENARIO,
    META_SCHEMA,
    META_SEED,
    META_SEEDED_AT,
    META_START,
)

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SeedResult:
    """The outcome of seeding: the scenario, whether anything was written, and the row count."""

    scenario: str
    seed: int
    start_utc: dt.datetime
    seeded: bool
    rows: int
    seconds: float


def resolve_start(scenario: Scenario, anchor: str | None) -> dt.datetime:
    """Return the UTC instant the server clock starts at.

    ``anchor`` overrides the scenario's ``start``: ``now`` is the real current time, and any other
    value is an ISO 8601 date or date-time. A naive value is read in the first organisation's zone.
    """
    text = anchor or scenario.data["start"]
    if text.strip().lower() == "now":
        return real_utcnow().replace(microsecond=0)
    try:
        start = parse_start(text)
    except ValueError as error:
        raise ScenarioError(f"anchor: {error}") from None
    if not 1900 <= start.year <= 9000:
        raise ScenarioError(f"start: {text!r} is out of range; use a year from 1900 to 9000.")
    if start.tzinfo is not None:
        return start.astimezone(dt.UTC).replace(tzinfo=None)
    return local_to_utc(start, scenario.data["organisations"][0]["timezone"])


def load_configured_scenario(settings: Settings) -> Scenario:
    """Load the scenario the settings name, with the seed override applied."""
    scenario = load_scenario(
        settings.scenario, settings.scenario_search_path(), settings.fixture_search_path()
    )
    if settings.seed is not None:
        data = {**scenario.data, "seed": settings.seed}
        scenario = Scenario(
            scenario.name, scenario.path, data, scenario.fixtures, scenario.fingerprint
        )
    return scenario


def _fingerprint(scenario: Scenario, secret: str) -> str:
    """Return a tag of everything that shapes the data except the start: files, seed, secret."""
    secret_tag = hashlib.sha256(secret.encode()).hexdigest()[:12]
    return f"{scenario.fingerprint}:{scenario.seed}:{secret_tag}"


def _write_records(
    store: Store,
    scenario: Scenario,
    start_utc: dt.datetime,
    secret: str,
    snapshot_name: str,
    progress: Progress | None,
) -> int:
    """Create the tables in an empty ``store`` and insert the scenario's records."""
    batch = Generator(scenario, start_utc, secret).run(progress)
    store.drop_tables()
    store.create_tables()
    total = 0
    with store.session() as session:
        for model in INSERT_ORDER:
            rows = batch.rows.get(model, [])
            if rows:
                session.execute(insert(model), rows)
                total += len(rows)
        start_at(session, start_utc)
        session.execute(delete(MetaEntry))
        meta = {
            META_SCHEMA: SCHEMA_VERSION,
            META_SCENARIO: scenario.name,
            META_SEED: str(scenario.seed),
            META_START: start_utc.isoformat(),
            META_FINGERPRINT: _fingerprint(scenario, secret),
            META_SEEDED_AT: real_utcnow().isoformat(),
            META_RESET_SNAPSHOT: snapshot_name,
            META_CLOCK_READINGS: json.dumps(
                [{"organisation_id": None, "now": start_utc.isoformat(), "frozen": False}]
            ),
            "default_key": batch.default_key or "",
            "default_email": batch.default_email or "",
            "default_slug": batch.default_slug or "",
        }
        session.add_all(MetaEntry(key=key, value=value) for key, value in meta.items())
    return total


def scenario_snapshot_name(scenario: Scenario, start_utc: dt.datetime, secret: str) -> str:
    """Return the snapshot name under which a seeded scenario is kept for resets."""
    tag = hashlib.sha256(
        f"{_fingerprint(scenario, secret)}:{start_utc.isoformat()}".encode()
    ).hexdigest()[:12]
    return f"_scenario-{scenario.name}-{tag}"[:64]


def seed(
    store: Store,
    scenario: Scenario,
    start_utc: dt.datetime,
    secret: str,
    progress: Progress | None = None,
) -> SeedResult:
    """Replace the database's contents with ``scenario``'s records.

    On SQLite the records are written to a snapshot file first and copied into the live
    database in one step, so resets can restore that snapshot later.
    """
    began = time.perf_counter()
    name = scenario_snapshot_name(scenario, start_utc, secret)
    if not snapshots.is_sqlite(store):
        total = _write_records(store, scenario, start_utc, secret, name, progress)
    else:
        total = _build_snapshot(store, scenario, start_utc, secret, name, progress)
        snapshots.restore(store, name)
    if progress:
        progress("saved")

    seconds = time.perf_counter() - began
    log.info(
        "Seeded scenario %s (seed %s): %d rows in %.2f s",
        scenario.name,
        scenario.seed,
        total,
        seconds,
    )
    return SeedResult(scenario.name, scenario.seed, start_utc, True, total, seconds)


def _build_snapshot(
    store: Store,
    scenario: Scenario,
    start_utc: dt.datetime,
    secret: str,
    name: str,
    progress: Progress | None,
) -> int:
    """Write the scenario into a scratch SQLite file and keep it as snapshot ``name``."""
    with tempfile.TemporaryDirectory(prefix="synergy-mock-seed-") as folder:
        path = Path(folder) / "scenario.db"
        scratch = Store(f"sqlite:///{path}")
        try:
            total = _write_records(scratch, scenario, start_utc, secret, name, progress)
        finally:
            # Closing the last connection also folds the write-ahead log into the file.
            scratch.dispose()
        snapshots.import_file(store, name, path)
    return total


def ensure_scenario_snapshot(store: Store, settings: Settings) -> None:
    """Build the configured scenario's reset snapshot if it is missing, without touching data."""
    if not snapshots.is_sqlite(store):
        return
    name = store.read_meta().get(META_RESET_SNAPSHOT)
    if not name or snapshots.exists(store, name):
        return
    scenario = load_configured_scenario(settings)
    # The stored start is naive UTC, exactly as the snapshot name was built from it.
    stored = store.read_meta().get(META_START)
    start_utc = dt.datetime.fromisoformat(stored) if stored else resolve_start(scenario, None)
    _build_snapshot(store, scenario, start_utc, settings.secret_key, name, None)


def seed_if_needed(
    settings: Settings, *, force: bool = False, progress: Progress | None = None
) -> SeedResult:
    """Seed the configured database unless it already contains the configured scenario."""
    scenario = load_configured_scenario(settings)
    start_utc = resolve_start(scenario, settings.anchor)
    store = Store(settings.database_url)
    try:
        meta = store.read_meta()
        # With anchor "now" the start moves on every run, so the start is not compared then.
        floating = (settings.anchor or "").strip().lower() == "now"
        fresh = (
            meta.get(META_SCHEMA) == SCHEMA_VERSION
            and meta.get(META_FINGERPRINT) == _fingerprint(scenario, settings.secret_key)
            and (floating or meta.get(META_START) == start_utc.isoformat())
        )
        if fresh and not force:
            log.info(
                "Database already contains scenario %s (seed %s); not seeding again",
                scenario.name,
                scenario.seed,
            )
            ensure_scenario_snapshot(store, settings)
            return SeedResult(scenario.name, scenario.seed, start_utc, False, 0, 0.0)
        stored_scenario = meta.get(META_SCENARIO)
        if stored_scenario and stored_scenario != scenario.name:
            log.warning(
                "Replacing scenario %s in %s with scenario %s",
                stored_scenario,
                settings.database_url,
                scenario.name,
            )
        return seed(store, scenario, start_utc, settings.secret_key, progress)
    finally:
        store.dispose()


__all__ = ["ScenarioError", "SeedResult", "seed", "seed_if_needed"]
