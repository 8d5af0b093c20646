"""Writes to timesheet rows: PUT creates, POST creates or updates by groupId, DELETE removes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from .routes import ADMIN_STAFF_ID, C100_ID, CONTOSO_ID, ORG

WEEK = f"{ORG}/Timesheet/Week"
RESTRICTED_STAFF_ID = 103
OTHER_GROUP = "5d0e7a52-8a53-4f57-9d0b-2f7f63c1a001"


def _week(client: Any, headers: dict[str, str], day: int, staff_id: int) -> dict[str, Any]:
    response = client.get(
        WEEK, headers=headers, query_string={"DateAsInt": day, "ContactId": staff_id}
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def _stages(client: Any, headers: dict[str, str], project_id: int = C100_ID) -> list[int]:
    items = client.get(f"{ORG}/Projects/{project_id}/Stages", headers=headers).get_json()["items"]
    return [s["id"] for s in items]


def _row(client: Any, headers: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "dateAsInt": 20250305,
        "projectId": C100_ID,
        "stageId": _stages(client, headers)[0],
        **extra,
    }


def test_put_creates_row_in_the_week(writer: Any) -> None:
    client, admin, _ = writer
    created = client.put(WEEK, json=_row(client, admin, wed=3.5, note="Site visit"), headers=admin)
    assert created.status_code == 200
    row = created.get_json()
    assert (row["project"], row["projectNumber"], row["wed"], row["note"]) == (
        "Harbourside Library Fit-out",
        "C 100",
        3.5,
        "Site visit",
    )
    assert (row["status"], row["locked"], row["canChange"]) == ("Draft", False, True)

    week = _week(client, admin, 20250307, ADMIN_STAFF_ID)
    assert [r for r in week["time"] if r["groupId"] == row["groupId"]] == [row]
    assert client.get(f"{WEEK}/{row['groupId']}", headers=admin).get_json() == row
    # The previous week is untouched.
    previous = _week(client, admin, 20250228, ADMIN_STAFF_ID)
    assert row["groupId"] not in [r["groupId"] for r in previous["time"]]


def test_put_for_another_staff_member_and_trailing_slash(writer: Any) -> None:
    client, admin, _ = writer
    body = _row(client, admin, staffId=RESTRICTED_STAFF_ID, mon=1)
    row = client.put(f"{WEEK}/", json=body, headers=admin).get_json()
    week = _week(client, admin, 20250303, RESTRICTED_STAFF_ID)
    assert row["groupId"] in [r["groupId"] for r in week["time"]]
    mine = _week(client, admin, 20250303, ADMIN_STAFF_ID)
    assert row["groupId"] not in [r["groupId"] for r in mine["time"]]


def test_post_updates_by_group_id_then_creates(writer: Any) -> None:
    client, admin, _ = writer
    stages = _stages(client, admin)
    row = client.put(WEEK, json=_row(client, admin, mon=2, tue=2), headers=admin).get_json()

    updated = client.post(
        WEEK,
        json={"groupId": row["groupId"].upper(), "tue": 0, "fri": 7.5, "stageId": stages[1]},
        headers=admin,
    )
    assert updated.status_code == 200
    body = updated.get_json()
    assert body["groupId"] == row["groupId"]
    assert [body[d] for d in ("mon", "tue", "fri")] == [2, 0, 7.5]
    assert body["stageId"] == stages[1]
    week = _week(client, admin, 20250303, ADMIN_STAFF_ID)
    assert [r for r in week["time"] if r["groupId"] == row["groupId"]] == [body]

    by_path = client.post(f"{WEEK}/{row['groupId']}", json={"note": "moved"}, headers=admin)
    assert by_path.get_json()["note"] == "moved"

    moved = client.post(
        WEEK, json={"groupId": row["groupId"], "dateAsInt": 20250310}, headers=admin
    )
    assert moved.status_code == 200
    assert row["groupId"] not in [r["groupId"] for r in _week(client, admin, 20250303, 101)["time"]]
    assert row["groupId"] in [r["groupId"] for r in _week(client, admin, 20250310, 101)["time"]]

    fresh = client.post(WEEK, json=_row(client, admin, groupId=OTHER_GROUP, thu=1), headers=admin)
    assert fresh.status_code == 200
    assert fresh.get_json()["groupId"] == OTHER_GROUP
    assert client.get(f"{WEEK}/{OTHER_GROUP}", headers=admin).status_code == 200


def test_put_ignores_group_id_of_an_existing_row(writer: Any) -> None:
    client, admin, _ = writer
    row = client.put(WEEK, json=_row(client, admin, mon=1), headers=admin).get_json()
    again = client.put(WEEK, json=_row(client, admin, mon=1, groupId=row["groupId"]), headers=admin)
    assert again.status_code == 200
    assert again.get_json()["groupId"] != row["groupId"]


def test_delete_removes_row(writer: Any) -> None:
    client, admin, _ = writer
    row = client.put(WEEK, json=_row(client, admin, mon=1), headers=admin).get_json()
    path = f"{WEEK}/{row['groupId']}"
    assert client.delete(path, headers=admin).status_code == 200
    assert client.delete(path, headers=admin).status_code == 404
    assert client.get(path, headers=admin).status_code == 404
    assert client.post(path, json={"mon": 1}, headers=admin).status_code == 404
    week = _week(client, admin, 20250303, ADMIN_STAFF_ID)
    assert row["groupId"] not in [r["groupId"] for r in week["time"]]


def _locked_row(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    """Approve one of the admin's rows in the database, as a manager would in the product."""
    group_id = _week(client, headers, 20250303, ADMIN_STAFF_ID)["time"][0]["groupId"]
    engine = client.application.extensions["synergy_mock"].store.engine
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE timesheet_rows SET locked = 1, status_id = 50, status = 'Approved' "
                "WHERE group_id = :group_id"
            ),
            {"group_id": group_id},
        )
    row: dict[str, Any] = client.get(f"{WEEK}/{group_id}", headers=headers).get_json()
    assert row["locked"] is True
    return row


def test_locked_row_is_refused(writer: Any) -> None:
    client, admin, _ = writer
    row = _locked_row(client, admin)
    path = f"{WEEK}/{row['groupId']}"
    changed = client.post(path, json={"mon": 9}, headers=admin)
    assert changed.status_code == 400
    assert "locked" in changed.get_json()["modelState"]["groupId"][0]
    assert client.delete(path, headers=admin).status_code == 400
    assert client.get(path, headers=admin).get_json() == row


def test_restricted_user_writes_only_their_own_time(writer: Any) -> None:
    client, admin, restricted = writer
    own = client.put(WEEK, json=_row(client, admin, mon=1), headers=restricted)
    assert own.status_code == 200
    assert own.get_json()["rateDisplayValue"] == ""
    week = _week(client, restricted, 20250303, RESTRICTED_STAFF_ID)
    assert own.get_json()["groupId"] in [r["groupId"] for r in week["time"]]

    before = _week(client, admin, 20250303, ADMIN_STAFF_ID)
    other = client.put(WEEK, json=_row(client, admin, staffId=ADMIN_STAFF_ID), headers=restricted)
    assert other.status_code == 401
    admins_row = before["time"][0]["groupId"]
    for method in ("POST", "DELETE", "GET"):
        rejected = client.open(
            f"{WEEK}/{admins_row}", method=method, json={"mon": 5}, headers=restricted
        )
        assert rejected.status_code == 401, method
    assert _week(client, admin, 20250303, ADMIN_STAFF_ID) == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["dateAsInt", "projectId", "stageId"]),
        ({"dateAsInt": 20250230, "projectId": "C 100", "stageId": 1}, ["dateAsInt", "projectId"]),
        ({"mon": 24.5, "sun": -1, "groupId": "not-a-guid"}, ["mon", "sun", "groupId"]),
        (
            {"dateAsInt": 20250305, "staffId": CONTOSO_ID, "projectId": 999999, "stageId": 1},
            ["staffId", "projectId"],
        ),
        ({"dateAsInt": 20250305, "projectId": C100_ID, "stageId": 999999}, ["stageId"]),
        ({"dateAsInt": 20250305, "projectId": C100_ID, "stageId": "first"}, ["stageId"]),
    ],
)
def test_bad_row_names_every_field(writer: Any, body: dict[str, Any], fields: list[str]) -> None:
    client, admin, _ = writer
    before = _week(client, admin, 20250303, ADMIN_STAFF_ID)
    response = client.put(WEEK, json=body, headers=admin)
    assert response.status_code == 400
    assert sorted(response.get_json()["modelState"]) == sorted(fields)
    assert _week(client, admin, 20250303, ADMIN_STAFF_ID) == before


def test_task_must_belong_to_the_stage(writer: Any) -> None:
    client, admin, _ = writer
    tasks = client.get(f"{ORG}/Projects/{C100_ID}/Tasks", headers=admin).get_json()["items"]
    task = tasks[0]
    other_stage = next(s for s in _stages(client, admin) if s != task["stageId"])
    wrong = _row(client, admin, stageId=other_stage, taskId=task["id"])
    response = client.put(WEEK, json=wrong, headers=admin)
    assert response.status_code == 400
    assert list(response.get_json()["modelState"]) == ["taskId"]
    right = client.put(
        WEEK, json=_row(client, admin, stageId=task["stageId"], taskId=task["id"]), headers=admin
    )
    assert right.get_json()["task"] == task["name"]
