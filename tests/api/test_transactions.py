"""The Transactions API: hours written through it show up in Timesheet/Week."""

from __future__ import annotations

from typing import Any

import pytest

from .routes import ADMIN_STAFF_ID, ORG

TRANSACTIONS = f"{ORG}/Transactions"
WEEK = f"{ORG}/Timesheet/Week"


def _work(client: Any, headers: dict[str, str]) -> dict[str, int]:
    stage = client.get(f"{ORG}/Projects/20001/Stages", headers=headers).get_json()["items"][0]
    return {"projectId": 20001, "stageId": stage["id"]}


def _row_hours(client: Any, headers: dict[str, str], day: int, work: dict[str, int]) -> Any:
    week = client.get(
        WEEK, headers=headers, query_string={"DateAsInt": day, "ContactId": ADMIN_STAFF_ID}
    ).get_json()
    return [
        r
        for r in week["time"]
        if (r["projectId"], r["stageId"], r["taskId"]) == (work["projectId"], work["stageId"], 0)
    ]


def test_transaction_appears_in_week(writer: Any) -> None:
    client, admin, _ = writer
    work = _work(client, admin)
    body = {
        "staffId": ADMIN_STAFF_ID,
        **work,
        "fromDateAsInt": 20250414,
        "toDateAsInt": 20250416,
        "units": 2.5,
    }
    created = client.post(TRANSACTIONS, json=body, headers=admin)
    assert created.status_code == 200
    record = created.get_json()
    assert record["timesheetId"] > 0
    assert (record["fromDateAsInt"], record["toDateAsInt"], record["units"]) == (
        20250414,
        20250416,
        2.5,
    )

    rows = _row_hours(client, admin, 20250416, work)
    assert len(rows) == 1
    assert [rows[0][d] for d in ("mon", "tue", "wed", "thu", "fri")] == [2.5, 2.5, 2.5, 0, 0]

    again = client.post(TRANSACTIONS, json={**body, "toDateAsInt": 20250414}, headers=admin)
    assert again.get_json()["timesheetId"] == record["timesheetId"]
    assert _row_hours(client, admin, 20250414, work)[0]["mon"] == 5

    listed = client.get(TRANSACTIONS, headers=admin).get_json()
    assert listed["totalItems"] == 2
    assert (
        client.get("/_mock/journal", query_string={"path": "*/Transactions"}).get_json()["count"]
        == 3
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"staffId": 104}, "staffId"),
        ({"projectId": 999999}, "projectId"),
        ({"stageId": 1}, "stageId"),
        ({"taskId": 1}, "taskId"),
        ({"fromDateAsInt": 20251301}, "fromDateAsInt"),
        ({"fromDateAsInt": "20250414"}, "fromDateAsInt"),
        ({"toDateAsInt": 20250401}, "toDateAsInt"),
        ({"toDateAsInt": 20250601}, "toDateAsInt"),
        ({"units": 30}, "units"),
        ({"units": None}, "units"),
    ],
)
def test_bad_transaction_stores_nothing(writer: Any, change: dict[str, Any], field: str) -> None:
    client, admin, _ = writer
    body = {
        "staffId": ADMIN_STAFF_ID,
        **_work(client, admin),
        "fromDateAsInt": 20250414,
        "units": 1,
        **change,
    }
    response = client.post(TRANSACTIONS, json=body, headers=admin)
    assert response.status_code == 400
    assert field in response.get_json()["modelState"]
    assert client.get(TRANSACTIONS, headers=admin).get_json()["totalItems"] == 0


def test_restricted_user_cannot_record_time(writer: Any) -> None:
    client, admin, restricted = writer
    body = {
        "staffId": ADMIN_STAFF_ID,
        **_work(client, admin),
        "fromDateAsInt": 20250414,
        "units": 1,
    }
    assert client.post(TRANSACTIONS, json=body, headers=restricted).status_code == 401


def test_missing_fields_are_named(writer: Any) -> None:
    client, admin, _ = writer
    response = client.post(TRANSACTIONS, json={"staffId": ADMIN_STAFF_ID}, headers=admin)
    state = response.get_json()["modelState"]
    assert sorted(state) == ["fromDateAsInt", "projectId", "stageId", "units"]
    assert state["units"] == ["The field is required."]
