"""The /_mock control plane: reset, scenarios, snapshots, namespaces, clock, journal, tokens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server import create_app

from .conftest import seed_file

SLUG = "testOrg"
PROJECTS = f"/api/v2/Organisation/{SLUG}/Projects"


@pytest.fixture
def server(tmp_path: Path) -> Any:
    """A fresh small-scenario database per test, because these tests change it."""
    url = seed_file(tmp_path / "control.db", "small")
    apps: list[Flask] = []

    def build(**overrides: Any) -> FlaskClient:
        app = create_app({"database_url": url, **overrides})
        apps.append(app)
        return app.test_client()

    yield build
    for app in apps:
        app.extensions["synergy_mock"].store.dispose()


@pytest.fixture
def client(server: Any) -> FlaskClient:
    built: FlaskClient = server()
    return built


def _key(client: FlaskClient) -> str:
    key: str = client.post("/_mock/reset").get_json()["key"]
    return key


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message


def test_health_reports_scenario(client: FlaskClient) -> None:
    body = client.get("/_mock/health").get_json()
    assert body["status"] == "ok"
    assert body["scenario"] == "small"
    assert body["seed"] == 7


def test_reset_undoes_clock_and_journal(client: FlaskClient) -> None:
    reply = client.post("/_mock/reset").get_json()
    assert reply["slug"] == SLUG
    assert reply["users"][0]["email"] == "alex.admin@testorg.example"
    key = reply["key"]
    client.get(PROJECTS, headers={"access-token": key})
    client.post("/_mock/clock", json={"advance_seconds": 86400 * 4000})
    assert client.get(PROJECTS, headers={"access-token": key}).status_code == 401
    assert client.get("/_mock/journal").get_json()["count"] == 2

    client.post("/_mock/reset")
    assert client.get("/_mock/journal").get_json()["count"] == 0
    assert client.get("/_mock/clock").get_json()["now"].startswith("2025-03-06T22:00:0")
    assert client.get(PROJECTS, headers={"access-token": key}).status_code == 200


def test_reset_drops_minted_tokens(client: FlaskClient) -> None:
    # Sam's fixture key lasts 1 year, so a 3-year key is a new one.
    minted = client.post(
        "/_mock/tokens", json={"email": "sam.standard@testorg.example", "years": 3}
    )
    key = minted.get_json()["key"]
    assert client.get(PROJECTS, headers={"access-token": key}).status_code == 200
    client.post("/_mock/reset")
    response = client.get(PROJECTS, headers={"access-token": key})
    assert response.status_code == 401
    assert response.headers["X-Synergy-Mock-Auth-Error"] == "unknown key"


def test_snapshot_and_restore(client: FlaskClient) -> None:
    key = _key(client)
    client.get(PROJECTS, headers={"access-token": key})
    assert client.post("/_mock/snapshots", json={"name": "after-one-call"}).status_code == 200
    client.get(PROJECTS, headers={"access-token": key})
    client.post("/_mock/clock", json={"advance_seconds": 3600})
    assert client.get("/_mock/journal").get_json()["count"] == 2

    restored = client.post("/_mock/snapshots/after-one-call/restore")
    assert restored.status_code == 200
    assert client.get("/_mock/journal").get_json()["count"] == 1
    now = dt.datetime.fromisoformat(client.get("/_mock/clock").get_json()["now"].rstrip("Z"))
    assert now < dt.datetime(2025, 3, 6, 22, 30)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("_scenario", "invalid_name"),
        ("../x", "invalid_name"),
        ("", "invalid_name"),
        ("a" * 65, "invalid_name"),
        (7, "invalid_name"),
    ],
)
def test_bad_snapshot_names(client: FlaskClient, name: Any, code: str) -> None:
    _error(client.post("/_mock/snapshots", json={"name": name}), 400, code)


def test_unknown_snapshot_is_404(client: FlaskClient) -> None:
    _error(client.post("/_mock/snapshots/never-taken/restore"), 404, "not_found")


def test_scenarios_list_and_load(client: FlaskClient) -> None:
    listed = client.get("/_mock/scenarios").get_json()
    assert [s["name"] for s in listed["scenarios"]] == ["default", "multi-org", "small"]
    assert listed["loaded"] == "small"

    loaded = client.post("/_mock/scenarios/load", json={"name": "multi-org"}).get_json()
    assert loaded["scenario"] == "multi-org"
    assert loaded["slug"] == "fabrikam"
    assert client.get("/_mock/health").get_json()["scenario"] == "multi-org"
    again = client.post("/_mock/scenarios/load", json={"name": "small", "seed": 3}).get_json()
    assert again["seed"] == 3
    assert client.get("/_mock/health").get_json()["seed"] == 3


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "../scenarios/small"}, 400, "invalid_scenario"),
        ({"name": "/etc/passwd"}, 400, "invalid_scenario"),
        ({"name": "small.yaml"}, 400, "invalid_scenario"),
        ({"name": None}, 400, "invalid_scenario"),
        ({"name": "nope"}, 404, "not_found"),
        ({"name": "small", "seed": -1}, 400, "invalid_seed"),
        ({"name": "small", "seed": "7"}, 400, "invalid_seed"),
    ],
)
def test_bad_scenario_loads(
    client: FlaskClient, body: dict[str, Any], status: int, code: str
) -> None:
    _error(client.post("/_mock/scenarios/load", json=body), status, code)


def test_scenario_link_outside_folders_rejected(server: Any, tmp_path: Path) -> None:
    folder = tmp_path / "extra"
    folder.mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text((Path(__file__).parent.parent / "scenarios" / "small.yaml").read_text())
    (folder / "sneaky.yaml").symlink_to(outside)
    client = server(scenario_dirs=[str(folder)])
    message = _error(
        client.post("/_mock/scenarios/load", json={"name": "sneaky"}), 400, "invalid_scenario"
    )
    assert "outside the scenario folders" in message


def test_namespace_is_isolated_and_deletable(client: FlaskClient) -> None:
    created = client.post("/_mock/namespaces", json={}).get_json()
    slug, key = created["slug"], created["key"]
    assert slug.startswith("testOrg-ns")
    assert created["users"][0]["email"].endswith(f"@{slug.replace('-', '').lower()}.example")

    own = client.get(
        f"/api/v2/Organisation/{slug}/Projects?projectNumber=C%20100", headers={"access-token": key}
    )
    assert own.get_json()["items"][0]["name"] == "Harbourside Library Fit-out"
    other = client.get(PROJECTS, headers={"access-token": key})
    assert other.status_code == 401

    second = client.post("/_mock/namespaces", json={"scenario": "small"}).get_json()
    assert second["slug"] != slug

    deleted = client.delete(f"/_mock/namespaces/{slug}")
    assert deleted.status_code == 200
    assert (
        client.get(
            f"/api/v2/Organisation/{slug}/Projects", headers={"access-token": key}
        ).status_code
        == 401
    )
    _error(client.delete(f"/_mock/namespaces/{slug}"), 404, "not_found")
    _error(client.delete(f"/_mock/namespaces/{SLUG}"), 404, "not_found")


def test_namespace_clock_moves_alone(client: FlaskClient) -> None:
    main_key = _key(client)
    created = client.post("/_mock/namespaces", json={}).get_json()
    slug, key = created["slug"], created["key"]
    moved = client.post(
        "/_mock/clock", json={"advance_seconds": 86400 * 4000, "organisation": slug}
    )
    assert moved.get_json()["organisation"] == slug
    assert (
        client.get(f"/api/v2/Organisation/{slug}/Staff", headers={"access-token": key}).status_code
        == 401
    )
    assert (
        client.get(
            f"/api/v2/Organisation/{SLUG}/Staff", headers={"access-token": main_key}
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "exactly one of"),
        ({"advance_seconds": 1, "freeze": True}, "exactly one of"),
        ({"advance_seconds": "ten"}, "must be a number"),
        ({"set": "tomorrow"}, "ISO 8601"),
        ({"freeze": "yes"}, "true or false"),
    ],
)
def test_bad_clock_requests(client: FlaskClient, body: dict[str, Any], message: str) -> None:
    assert message in _error(client.post("/_mock/clock", json=body), 400, "invalid_body")


def test_clock_set_and_freeze(client: FlaskClient) -> None:
    client.post("/_mock/clock", json={"freeze": True})
    client.post("/_mock/clock", json={"set": "2030-01-02T03:04:05Z"})
    first = client.get("/_mock/clock").get_json()
    assert first == {"now": "2030-01-02T03:04:05Z", "frozen": True, "organisation": None}
    client.post("/_mock/clock", json={"advance_seconds": 60})
    assert client.get("/_mock/clock").get_json()["now"] == "2030-01-02T03:05:05Z"
    client.post("/_mock/clock", json={"freeze": False})
    assert client.get("/_mock/clock").get_json()["frozen"] is False
    _error(client.get("/_mock/clock?organisation=nowhere"), 404, "not_found")


def test_journal_records_and_masks(client: FlaskClient) -> None:
    key = _key(client)
    client.get(f"{PROJECTS}?pageSize=2", headers={"access-token": key, "X-Trace": "abc"})
    client.get("/api/v2/Organisation/nowhere/Staff", headers={"access-token": key})
    client.open(PROJECTS, method="OPTIONS", headers={"Access-Control-Request-Method": "GET"})
    entries = client.get("/_mock/journal").get_json()["requests"]
    assert [(e["method"], e["status"]) for e in entries] == [
        ("GET", 200),
        ("GET", 404),
        ("OPTIONS", 204),
    ]
    first = entries[0]
    assert first["path"] == PROJECTS
    assert first["query"] == "pageSize=2"
    assert first["organisation"] == SLUG
    assert first["headers"]["x-trace"] == "abc"
    assert key not in str(entries)
    assert first["headers"]["access-token"].startswith(key[:4])
    assert first["durationMs"] > 0


def test_journal_filters(client: FlaskClient) -> None:
    key = _key(client)
    client.get(PROJECTS, headers={"access-token": key})
    client.get(f"/api/v2/Organisation/{SLUG}/Staff", headers={"access-token": key})
    client.get(PROJECTS)

    def count(**query: Any) -> int:
        found: int = client.get("/_mock/journal", query_string=query).get_json()["count"]
        return found

    assert count() == 3
    assert count(path="*/projects") == 2
    assert count(path="Staff") == 1
    assert count(status=401) == 1
    assert count(method="get", organisation=SLUG) == 3
    assert count(since="2099-01-01T00:00:00Z") == 0
    assert count(since="2000-01-01") == 3
    _error(client.get("/_mock/journal?status=abc"), 400, "invalid_query")
    _error(client.get("/_mock/journal?since=yesterday"), 400, "invalid_body")

    assert client.delete("/_mock/journal").get_json()["removed"] == 3
    assert count() == 0


def test_journal_is_capped(server: Any) -> None:
    client = server(journal_max_rows=3)
    key = _key(client)
    for page in range(1, 6):
        client.get(f"{PROJECTS}?page={page}", headers={"access-token": key})
    entries = client.get("/_mock/journal").get_json()["requests"]
    assert [e["query"] for e in entries] == ["page=3", "page=4", "page=5"]


def test_journal_body_truncated(server: Any) -> None:
    client = server(journal_body_limit=10)
    key = _key(client)
    client.post(PROJECTS, headers={"access-token": key}, data="x" * 100)
    entry = client.get("/_mock/journal").get_json()["requests"][0]
    assert entry["body"] == "x" * 10


def test_tokens(client: FlaskClient) -> None:
    minted = client.post(
        "/_mock/tokens", json={"email": "SAM.standard@testorg.example", "years": 3}
    ).get_json()
    assert minted["email"] == "sam.standard@testorg.example"
    assert minted["organisation"] == SLUG
    assert minted["expires"] == "2028-03-06T22:00:00Z"
    assert client.get(PROJECTS, headers={"access-token": minted["key"]}).status_code == 200
    _error(client.post("/_mock/tokens", json={"email": "ghost@x.example"}), 404, "not_found")
    _error(
        client.post("/_mock/tokens", json={"email": "sam.standard@testorg.example", "years": 2}),
        400,
        "invalid_years",
    )
    _error(client.post("/_mock/tokens", json={}), 400, "invalid_email")
    _error(client.post("/_mock/tokens", data="not json"), 400, "invalid_body")


def test_control_token_required_except_health(server: Any) -> None:
    client = server(control_token="s3cret-control-token")
    assert client.get("/_mock/health").status_code == 200
    _error(client.post("/_mock/reset"), 401, "unauthorized")
    _error(
        client.get("/_mock/journal", headers={"Authorization": "Bearer wrong"}), 401, "unauthorized"
    )
    good = {"Authorization": "Bearer s3cret-control-token"}
    assert client.post("/_mock/reset", headers=good).status_code == 200


def test_unknown_control_route(client: FlaskClient) -> None:
    _error(client.get("/_mock/nothing"), 404, "not_found")
    _error(client.get("/_mock/reset"), 405, "method_not_allowed")


def test_namespace_clock_starts_at_scenario_start(client: FlaskClient) -> None:
    slug = client.post("/_mock/namespaces", json={"scenario": "small"}).get_json()["slug"]
    now = client.get(f"/_mock/clock?organisation={slug}").get_json()["now"]
    # The small scenario starts at 09:00 in Sydney, 22:00 UTC the day before.
    assert now.startswith("2025-03-06T22:00:0")
    assert client.get("/_mock/health").get_json()["start"] == "2025-03-06T22:00:00Z"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_mock/clock", {"advance_seconds": 2**63}),
        ("/_mock/clock", {"advance_seconds": 1e308}),
        ("/_mock/clock", {"advance_seconds": 90 * 366 * 86400 * 100}),
        ("/_mock/clock", {"set": "9999-12-31T00:00:00Z"}),
        ("/_mock/clock", {"set": "0001-01-01T00:00:00Z"}),
    ],
)
def test_clock_out_of_range_is_400(client: FlaskClient, path: str, body: dict[str, Any]) -> None:
    before = client.get("/_mock/clock").get_json()["now"][:16]
    response = client.post(path, json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_body"
    assert client.get("/_mock/clock").get_json()["now"][:16] == before
    assert client.get("/_mock/quota/testOrg").status_code == 200


def test_clock_rejects_nan(client: FlaskClient) -> None:
    response = client.post(
        "/_mock/clock", data='{"advance_seconds": NaN}', content_type="application/json"
    )
    assert response.status_code == 400


def test_journal_status_must_be_a_status(client: FlaskClient) -> None:
    response = client.get("/_mock/journal", query_string={"status": "9" * 20})
    assert response.status_code == 400
