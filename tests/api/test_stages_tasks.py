"""Stages and tasks under a project: paged lists, and PUT, POST and DELETE."""

from __future__ import annotations

from typing import Any

import pytest

from .routes import C100_ID, ROUTES

PROJECT = f"{ROUTES['projects']}/{C100_ID}"


def test_lists_are_envelopes_of_the_project(writer: Any) -> None:
    client, admin, _ = writer
    stages = client.get(f"{PROJECT}/Stages", headers=admin).get_json()
    assert stages["totalItems"] >= 1
    assert list(stages["items"][0]) == ["id", "projectId", "name", "phase"]
    assert {s["projectId"] for s in stages["items"]} == {C100_ID}
    tasks = client.get(f"{PROJECT}/Tasks/", headers=admin, query_string={"pageSize": 1000})
    stage_ids = {s["id"] for s in stages["items"]}
    assert all(t["stageId"] in stage_ids for t in tasks.get_json()["items"])
    missing = client.get(f"{ROUTES['projects']}/999999/Stages", headers=admin)
    assert missing.status_code == 404


def test_stage_and_task_round_trip(writer: Any) -> None:
    client, admin, _ = writer
    stage = client.put(
        f"{PROJECT}/Stages", json={"name": "Fit-out", "phase": "Phase 9"}, headers=admin
    ).get_json()
    assert (stage["name"], stage["phase"], stage["projectId"]) == ("Fit-out", "Phase 9", C100_ID)
    task = client.put(
        f"{PROJECT}/Tasks", json={"name": "Joinery", "stageId": stage["id"]}, headers=admin
    ).get_json()
    assert task["stageId"] == stage["id"]

    renamed = client.post(
        f"{PROJECT}/Tasks/{task['id']}", json={"name": "Cabinets"}, headers=admin
    ).get_json()
    assert renamed["name"] == "Cabinets"
    assert client.get(f"{PROJECT}/Tasks/{task['id']}", headers=admin).get_json() == renamed
    assert client.get(f"{PROJECT}/Stages/{stage['id']}", headers=admin).get_json() == stage
    tasks = client.get(f"{PROJECT}/Tasks", headers=admin, query_string={"pageSize": 1000})
    assert "Cabinets" in [t["name"] for t in tasks.get_json()["items"]]

    assert client.delete(f"{PROJECT}/Tasks/{task['id']}", headers=admin).status_code == 200
    assert client.delete(f"{PROJECT}/Tasks/{task['id']}", headers=admin).status_code == 404
    assert client.get(f"{PROJECT}/Tasks/{task['id']}", headers=admin).status_code == 404
    assert client.delete(f"{PROJECT}/Stages/{stage['id']}", headers=admin).status_code == 200
    stages = client.get(f"{PROJECT}/Stages", headers=admin).get_json()["items"]
    assert stage["id"] not in [s["id"] for s in stages]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("Stages", {}, "name"),
        ("Stages", {"name": 7}, "name"),
        ("Tasks", {"name": "x"}, "stageId"),
        ("Tasks", {"name": "x", "stageId": 30001999}, "stageId"),
        ("Tasks", {"name": "x", "stageId": "1"}, "stageId"),
    ],
)
def test_bad_work_bodies(writer: Any, path: str, body: dict[str, Any], field: str) -> None:
    client, admin, _ = writer
    before = client.get(f"{PROJECT}/{path}", headers=admin).get_json()["totalItems"]
    response = client.put(f"{PROJECT}/{path}", json=body, headers=admin)
    assert response.status_code == 400
    assert field in response.get_json()["modelState"]
    assert client.get(f"{PROJECT}/{path}", headers=admin).get_json()["totalItems"] == before


def test_stage_with_time_is_kept(writer: Any) -> None:
    client, admin, _ = writer
    week = client.get(
        f"{ROUTES['organisation']}/Timesheet/Week",
        query_string={"DateAsInt": 20250303},
        headers=admin,
    ).get_json()
    row = week["time"][0]
    path = f"{ROUTES['projects']}/{row['projectId']}/Stages/{row['stageId']}"
    response = client.delete(path, headers=admin)
    assert response.status_code == 400
    assert "time recorded" in response.get_json()["modelState"]["id"][0]


def test_restricted_user_cannot_change_work(writer: Any) -> None:
    client, _, restricted = writer
    response = client.put(f"{PROJECT}/Stages", json={"name": "x"}, headers=restricted)
    assert response.status_code == 401
