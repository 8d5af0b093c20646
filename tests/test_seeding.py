"""Scenario validation, deterministic seeding and the seed-if-needed rule."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from mock_server.config import load_settings
from mock_server.seeding import seed_if_needed
from mock_server.seeding.scenario import ScenarioError, list_scenarios, load_scenario
from mock_server.store import Store
from mock_server.store.models import Base, Contact, Project, StaticKey

from .conftest import seed_file

SHIPPED = ["default", "multi-org", "small"]


def _dump(url: str) -> str:
    """Return every row of every table, ordered, as one text; the seeding time is left out."""
    store = Store(url)
    lines: list[str] = []
    try:
        with store.engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                rows = connection.execute(text(f"SELECT * FROM {table.name} ORDER BY 1")).all()
                for row in rows:
                    if table.name == "meta" and row[0] == "seeded_at":
                        continue
                    if table.name == "clock":
                        continue
                    lines.append(f"{table.name}: {tuple(row)!r}")
    finally:
        store.dispose()
    return "\n".join(lines)


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _settings(tmp_path: Path, **overrides: Any) -> Any:
    return load_settings({"database_url": f"sqlite:///{tmp_path / 'x.db'}", **overrides})


@pytest.mark.parametrize("scenario", SHIPPED)
def test_same_seed_gives_identical_data(tmp_path: Path, scenario: str) -> None:
    first = _dump(seed_file(tmp_path / "a.db", scenario))
    second = _dump(seed_file(tmp_path / "b.db", scenario))
    assert first
    assert hashlib.sha256(first.encode()).hexdigest() == hashlib.sha256(second.encode()).hexdigest()


def test_other_seed_gives_other_data(tmp_path: Path) -> None:
    first = _dump(seed_file(tmp_path / "a.db", "small"))
    second = _dump(seed_file(tmp_path / "b.db", "small", seed=8))
    assert first != second


def test_fixture_records_keep_their_ids(tmp_path: Path) -> None:
    small = Store(seed_file(tmp_path / "a.db", "small"))
    default = Store(seed_file(tmp_path / "b.db", "default"))
    with small.session() as a, default.session() as b:
        for store_session in (a, b):
            c100 = store_session.scalar(select(Project).where(Project.number == "C 100"))
            assert c100 is not None
            assert c100.id == 20001
            contoso = store_session.get(Contact, 104)
            assert contoso is not None
            assert contoso.name == "Contoso Constructions"
    small.dispose()
    default.dispose()


def test_default_scenario_sizes(tmp_path: Path) -> None:
    store = Store(seed_file(tmp_path / "d.db", "default"))
    with store.session() as session:
        kinds = dict(
            session.execute(text("SELECT kind, count(*) FROM contacts GROUP BY kind")).all()
        )
        projects = session.scalar(text("SELECT count(*) FROM projects"))
        weeks = session.scalar(text("SELECT count(DISTINCT week_start) FROM timesheet_rows"))
        fixture_keys = session.scalars(select(StaticKey).where(StaticKey.is_fixture)).all()
    store.dispose()
    assert kinds["staff"] == 25
    assert kinds["company"] + kinds["personnel"] + kinds["individual"] == 202
    assert projects == 152
    assert weeks == 12
    assert len(fixture_keys) == 3


def test_seed_if_needed_keeps_existing_data(tmp_path: Path) -> None:
    settings = _settings(tmp_path, scenario="small")
    assert seed_if_needed(settings).seeded is True
    assert seed_if_needed(settings).seeded is False
    assert seed_if_needed(settings, force=True).seeded is True


def test_changed_seed_or_scenario_reseeds(tmp_path: Path) -> None:
    assert seed_if_needed(_settings(tmp_path, scenario="small")).seeded
    assert seed_if_needed(_settings(tmp_path, scenario="small", seed=99)).seeded
    assert seed_if_needed(_settings(tmp_path, scenario="multi-org")).seeded
    assert not seed_if_needed(_settings(tmp_path, scenario="multi-org")).seeded


def test_anchor_moves_clock_and_data(tmp_path: Path) -> None:
    url = seed_file(tmp_path / "a.db", "small", anchor="2030-06-03T10:00:00+10:00")
    store = Store(url)
    with store.session() as session:
        latest = session.scalar(text("SELECT max(week_start) FROM timesheet_rows"))
    store.dispose()
    assert str(latest) == "2030-06-03"


def test_every_shipped_scenario_is_listed() -> None:
    names = [name for name, _ in list_scenarios(load_settings({}).scenario_search_path())]
    assert names == SHIPPED


BASE = """\
    description: test
    seed: 1
    start: "2025-03-07T09:00:00"
    organisations:
      - slug: acme
        name: Acme
        staff: 2
        projects:
          count: 1
          statuses:
            - {id: 1, name: Active, weight: 1, active: true}
"""


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (("staff: 2", "staff: 0"), "organisations.0.staff", "greater than or equal to 1"),
        (("staff: 2", "staff: many"), "organisations.0.staff", "Not a valid integer"),
        (("seed: 1", "seed: -4"), "seed", "greater than or equal to 0"),
        (('start: "2025-03-07T09:00:00"', "start: soon"), "start", "not an ISO 8601"),
        (("slug: acme", "slug: ../x"), "organisations.0.slug", "Use letters"),
        (
            ("name: Acme", "name: Acme\n        timezone: Mars/Base"),
            "organisations.0.timezone",
            "Unknown time zone",
        ),
        (("weight: 1", "weight: 0"), "organisations.0.projects.statuses", "weight above 0"),
        (("description: test", "description: test\n    extra: 1"), "extra", "Unknown field"),
        (("        staff: 2\n", ""), "organisations.0.staff", "Missing data"),
    ],
)
def test_bad_scenario_names_file_and_field(
    tmp_path: Path, change: tuple[str, str], field: str, problem: str
) -> None:
    path = _write(tmp_path, "broken.yaml", BASE.replace(*change))
    with pytest.raises(ScenarioError) as raised:
        load_scenario(str(path), [], [])
    message = str(raised.value)
    assert str(path) in message
    assert f"{field}: " in message
    assert problem in message


def test_valid_custom_scenario_seeds(tmp_path: Path) -> None:
    path = _write(tmp_path, "acme.yaml", BASE)
    result = seed_if_needed(_settings(tmp_path, scenario=str(path)))
    assert result.scenario == "acme"
    assert result.rows > 0


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("seed: [", "is not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_unreadable_scenario(tmp_path: Path, body: str, problem: str) -> None:
    path = _write(tmp_path, "bad.yaml", body)
    with pytest.raises(ScenarioError, match=problem):
        load_scenario(str(path), [], [])


def test_unknown_scenario_lists_known_ones() -> None:
    search = load_settings({}).scenario_search_path()
    with pytest.raises(ScenarioError, match="Known scenarios: default, multi-org, small"):
        load_scenario("nope", search, [])


def test_missing_fixture_is_named(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "acme.yaml",
        BASE.replace("description: test", "description: test\n    fixtures: [ghost]"),
    )
    with pytest.raises(ScenarioError, match="fixture file 'ghost' not found"):
        load_scenario(str(path), [], [tmp_path])


def test_fixture_for_unknown_organisation(tmp_path: Path) -> None:
    _write(tmp_path, "other.yaml", "organisation: elsewhere\n")
    path = _write(
        tmp_path,
        "acme.yaml",
        BASE.replace("description: test", "description: test\n    fixtures: [other]"),
    )
    with pytest.raises(ScenarioError, match="'elsewhere' is not an organisation"):
        load_scenario(str(path), [], [tmp_path])


def test_bad_fixture_field(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "people.yaml",
        """\
        organisation: acme
        users:
          - email: not-an-email
            username: x
            first_name: X
            last_name: Y
        """,
    )
    path = _write(
        tmp_path,
        "acme.yaml",
        BASE.replace("description: test", "description: test\n    fixtures: [people]"),
    )
    with pytest.raises(ScenarioError) as raised:
        load_scenario(str(path), [], [tmp_path])
    assert "people.yaml" in str(raised.value)
    assert "users.0.email: " in str(raised.value)


FIXTURE_USER = """\
    organisation: acme
    users:
      - email: {email}
        username: x
        first_name: X
        last_name: Y
"""


@pytest.mark.parametrize(
    ("fixture", "problem"),
    [
        (
            FIXTURE_USER.format(email="a@acme.example") + "    members: [a@acme.example]\n",
            "already belongs to",
        ),
        (
            FIXTURE_USER.format(email="a@acme.example")
            + "      - email: A@acme.example\n        username: y\n        first_name: A\n"
            "        last_name: B\n",
            "defined more than once",
        ),
        (
            "    organisation: acme\n    projects:\n      - number: X1\n        name: X\n"
            "        status: Nope\n",
            "is not a status of organisation",
        ),
        (
            "    organisation: acme\n    projects:\n      - number: X1\n        name: X\n"
            "        status: Active\n        primary_contact: ghost\n",
            "no contact with key",
        ),
        (
            "    organisation: acme\n    contacts:\n      - key: k\n        kind: company\n"
            "        name: ' '\n",
            "Must not be blank",
        ),
    ],
)
def test_fixture_mistakes_found_on_load(tmp_path: Path, fixture: str, problem: str) -> None:
    _write(tmp_path, "fx.yaml", fixture)
    path = _write(
        tmp_path,
        "acme.yaml",
        BASE.replace("description: test", "description: test\n    fixtures: [fx]"),
    )
    with pytest.raises(ScenarioError, match=problem):
        load_scenario(str(path), [], [tmp_path])


def test_failed_seed_keeps_existing_data(tmp_path: Path) -> None:
    url = seed_file(tmp_path / "keep.db", "small")
    bad = _write(tmp_path, "bad.yaml", BASE.replace("seed: 1", "seed: 1.5"))
    with pytest.raises(ScenarioError):
        seed_if_needed(load_settings({"database_url": url, "scenario": str(bad)}))
    store = Store(url)
    with store.session() as session:
        assert session.scalar(text("SELECT count(*) FROM projects")) == 12
    store.dispose()


@pytest.mark.parametrize("body", [b"\xff\xfe", "seed: 1\n".encode("utf-16")])
def test_non_utf8_scenario(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(body)
    with pytest.raises(ScenarioError, match="is not UTF-8 text"):
        load_scenario(str(path), [], [])


@pytest.mark.parametrize("anchor", ["0001-01-01T00:00:00", "9999-12-31T23:00:00"])
def test_extreme_anchor_rejected(tmp_path: Path, anchor: str) -> None:
    with pytest.raises(ScenarioError, match="out of range"):
        seed_if_needed(_settings(tmp_path, scenario="small", anchor=anchor))
