"""Fault rules and the one-call fault header, against an in-process app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mock_server import create_app

from ..conftest import ADMIN, fixture_keys, seed_file
from .routes import ORG

PROJECTS = f"{ORG}/Projects"
CONTACTS = f"{ORG}/Contacts"
FAULTS = "/_mock/faults"


def _add(client: Any, **rule: Any) -> dict[str, Any]:
    response = client.post(FAULTS, json=rule)
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def test_next_two_project_calls_get_503(writer: Any) -> None:
    client, admin, _ = writer
    rule = _add(client, method="GET", path="/api/v2/Organisation/*/Projects", status=503, times=2)
    assert (rule["remaining"], rule["active"]) == (2, True)

    statuses = [client.get(PROJECTS, headers=admin).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    failed = client.get(PROJECTS, headers={**admin, "X-Synergy-Mock-Fault": "503"})
    assert failed.get_json() == {"message": "Service Unavailable."}

    listed = client.get(FAULTS).get_json()["faults"]
    assert [(r["id"], r["fired"], r["remaining"], r["active"]) for r in listed] == [
        (rule["id"], 2, 0, False)
    ]
    journal = client.get("/_mock/journal", query_string={"path": "*/Projects"}).get_json()
    assert [(r["status"], r["fault"]) for r in journal["requests"]] == [
        (503, f"rule {rule['id']}: status 503"),
        (503, f"rule {rule['id']}: status 503"),
        (200, None),
        (503, "X-Synergy-Mock-Fault: status 503"),
    ]


def test_rule_matches_method_path_and_organisation(writer: Any) -> None:
    client, admin, _ = writer
    _add(client, method="POST", path="*/Projects", status=500)
    _add(client, path="*/Staff", organisation="TESTORG", status=401)

    assert client.get(PROJECTS, headers=admin).status_code == 200
    assert client.get(CONTACTS, headers=admin).status_code == 200
    denied = client.get(f"{ORG}/Staff", headers=admin)
    assert denied.status_code == 401
    assert denied.get_json()["message"] == "Authorization has been denied for this request."
    failed = client.post(PROJECTS, json={"number": "F 1", "name": "Fault"}, headers=admin)
    assert failed.get_json() == {"message": "An error has occurred."}
    assert (
        client.get(PROJECTS, headers=admin, query_string={"projectNumber": "F 1"}).get_json()[
            "totalItems"
        ]
        == 0
    )


def test_rule_for_another_organisation_does_not_match(tmp_path: Path) -> None:
    url = seed_file(tmp_path / "multi.db", "multi-org")
    client = create_app({"database_url": url}).test_client()
    headers = {"access-token": fixture_keys(url)["alex.admin@fabrikam.example"]}
    _add(client, path="*/Projects", organisation="northwind", status=500)
    fabrikam = client.get("/api/v2/Organisation/fabrikam/Projects", headers=headers)
    assert fabrikam.status_code == 200
    assert client.get(FAULTS).get_json()["faults"][0]["matched"] == 0


def test_rule_with_unknown_organisation_is_404(writer: Any) -> None:
    client, _, _ = writer
    response = client.post(FAULTS, json={"path": "*", "status": 500, "organisation": "nowhere"})
    assert response.status_code == 404


def test_broken_bodies(writer: Any) -> None:
    client, admin, _ = writer
    _add(client, path="*/Projects", body="malformed", times=1)
    _add(client, path="*/Contacts", body="empty", times=1, message="ignored")

    malformed = client.get(PROJECTS, headers=admin)
    assert malformed.status_code == 200
    assert malformed.headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(malformed.get_data(as_text=True))
    empty = client.get(CONTACTS, headers=admin)
    assert (empty.status_code, empty.get_data()) == (200, b"")


def test_custom_message_and_status(writer: Any) -> None:
    client, admin, _ = writer
    _add(client, path="*/Projects", status=502, message="Upstream is down.")
    response = client.get(PROJECTS, headers=admin)
    assert (response.status_code, response.get_json()) == (502, {"message": "Upstream is down."})


def _pattern(client: Any, admin: dict[str, str], seed: int) -> list[int]:
    rule = _add(client, path="*/Projects", status=500, probability=0.5, seed=seed)
    statuses = [client.get(PROJECTS, headers=admin).status_code for _ in range(24)]
    client.delete(f"{FAULTS}/{rule['id']}")
    return statuses


def test_probability_is_repeatable_by_seed(writer: Any) -> None:
    client, admin, _ = writer
    first = _pattern(client, admin, seed=7)
    assert set(first) == {200, 500}
    assert _pattern(client, admin, seed=7) == first
    assert _pattern(client, admin, seed=8) != first


def test_latency_only_rule_still_answers(writer: Any) -> None:
    client, admin, _ = writer
    rule = _add(client, path="*/Projects", latency_ms=50, times=1)
    assert client.get(PROJECTS, headers=admin).status_code == 200
    journal = client.get("/_mock/journal", query_string={"path": "*/Projects"}).get_json()
    assert journal["requests"][0]["durationMs"] >= 50
    assert client.get(FAULTS).get_json()["faults"][0]["fired"] == 1
    assert rule["latency_ms"] == 50


def test_remove_rules(writer: Any) -> None:
    client, admin, _ = writer
    first = _add(client, path="*/Projects", status=500)
    _add(client, path="*/Contacts", status=500)
    assert client.delete(f"{FAULTS}/{first['id']}").get_json()["status"] == "deleted"
    assert client.delete(f"{FAULTS}/{first['id']}").status_code == 404
    assert client.get(PROJECTS, headers=admin).status_code == 200
    assert client.delete(FAULTS).get_json()["removed"] == 1
    assert client.get(CONTACTS, headers=admin).status_code == 200
    assert client.get(FAULTS).get_json()["faults"] == []


@pytest.mark.parametrize(
    ("rule", "member"),
    [
        ({"status": 500}, "path"),
        ({"path": "*", "status": 99}, "status"),
        ({"path": "*", "status": "500"}, "status"),
        ({"path": "*", "body": "weird"}, "body"),
        ({"path": "*", "status": 500, "drop": True}, "status"),
        ({"path": "*"}, "status"),
        ({"path": "*", "status": 500, "times": 0}, "times"),
        ({"path": "*", "status": 500, "probability": 2}, "probability"),
        ({"path": "*", "status": 500, "method": "FETCH"}, "method"),
        ({"path": "*", "status": 500, "later": True}, "later"),
    ],
)
def test_bad_rule_is_rejected(writer: Any, rule: dict[str, Any], member: str) -> None:
    client, _, _ = writer
    response = client.post(FAULTS, json=rule)
    assert response.status_code == 400
    assert member in response.get_json()["error"]["message"]
    assert client.get(FAULTS).get_json()["faults"] == []


@pytest.mark.parametrize(
    ("header", "status", "body"),
    [
        ("502", 502, {"message": "Bad Gateway."}),
        ("status=404", 404, {"message": "Not Found."}),
        ("latency=20, status=500", 500, {"message": "An error has occurred."}),
        ("empty", 200, None),
    ],
)
def test_fault_header_affects_one_call(
    writer: Any, header: str, status: int, body: dict[str, str] | None
) -> None:
    client, admin, _ = writer
    response = client.get(PROJECTS, headers={**admin, "X-Synergy-Mock-Fault": header})
    assert response.status_code == status
    assert response.get_json(silent=True) == body
    assert client.get(PROJECTS, headers=admin).status_code == 200


def test_bad_fault_header_is_400(writer: Any) -> None:
    client, admin, _ = writer
    response = client.get(PROJECTS, headers={**admin, "X-Synergy-Mock-Fault": "explode"})
    assert response.status_code == 400
    assert "X-Synergy-Mock-Fault" in response.get_json()["message"]


def test_fault_header_rejected_with_control_token(tmp_path: Path) -> None:
    url = seed_file(tmp_path / "t.db", "small")
    client = create_app({"database_url": url, "control_token": "s3cret"}).test_client()
    headers = {"access-token": fixture_keys(url)[ADMIN], "X-Synergy-Mock-Fault": "503"}
    rejected = client.get(PROJECTS, headers=headers)
    assert rejected.status_code == 403
    assert "POST /_mock/faults" in rejected.get_json()["message"]
    assert client.post(FAULTS, json={"path": "*", "status": 500}).status_code == 401


def test_method_in_any_case_and_head_as_get(writer: Any) -> None:
    client, admin, _ = writer
    rule = _add(client, method="get", path="*/Projects", status=500)
    assert rule["method"] == "GET"
    assert client.head(PROJECTS, headers=admin).status_code == 500
    assert client.get("/api/v2//Organisation/testOrg//Projects", headers=admin).status_code == 500


def test_rule_ids_are_not_reused(writer: Any) -> None:
    client, _, _ = writer
    first = _add(client, path="*/Projects", status=500)
    client.delete(FAULTS)
    assert _add(client, path="*/Projects", status=500)["id"] > first["id"]


@pytest.mark.parametrize("header", ["503,504", "", "status=503, drop", "latency=999999", "5²"])
def test_unclear_fault_header_is_400(writer: Any, header: str) -> None:
    client, admin, _ = writer
    response = client.get(PROJECTS, headers={**admin, "X-Synergy-Mock-Fault": header})
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("X-Synergy-Mock-Fault")
