"""Rules that keep written data sound: hour caps, locked time, issued invoices, odd bodies."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from .routes import ADMIN_STAFF_ID, C100_ID, CONTOSO_ID, ORG

TRANSACTIONS = f"{ORG}/Transactions"
WEEK = f"{ORG}/Timesheet/Week"
STAGES = [30001, 30002]
TIME = {
    "staffId": ADMIN_STAFF_ID,
    "projectId": C100_ID,
    "stageId": STAGES[0],
    "fromDateAsInt": 20250303,
    "units": 20,
}


def _sql(client: Any, statement: str, **params: Any) -> Any:
    engine = client.application.extensions["synergy_mock"].store.engine
    with engine.begin() as connection:
        result = connection.execute(text(statement), params)
        return result.all() if result.returns_rows else None


def _approve(client: Any, group_id: str) -> None:
    _sql(
        client,
        "UPDATE timesheet_rows SET locked = 1, status_id = 50, status = 'Approved' "
        "WHERE group_id = :group_id",
        group_id=group_id,
    )


def _row_of(client: Any, headers: dict[str, str], record: dict[str, Any]) -> dict[str, Any]:
    rows = _sql(
        client, "SELECT group_id FROM timesheet_rows WHERE id = :id", id=record["timesheetId"]
    )
    found: dict[str, Any] = client.get(f"{WEEK}/{rows[0][0]}", headers=headers).get_json()
    return found


def test_day_holds_at_most_24_hours(writer: Any) -> None:
    client, admin, _ = writer
    first = client.post(TRANSACTIONS, json=TIME, headers=admin)
    assert first.status_code == 200
    over = client.post(TRANSACTIONS, json=TIME, headers=admin)
    assert over.status_code == 400
    assert "at most 24" in over.get_json()["modelState"]["units"][0]
    assert _row_of(client, admin, first.get_json())["mon"] == 20


def test_transaction_after_row_moved_gets_new_row(writer: Any) -> None:
    client, admin, _ = writer
    first = client.post(TRANSACTIONS, json={**TIME, "units": 1}, headers=admin).get_json()
    row = _row_of(client, admin, first)
    moved = client.post(f"{WEEK}/{row['groupId']}", json={"stageId": STAGES[1]}, headers=admin)
    assert moved.status_code == 200

    second = client.post(TRANSACTIONS, json={**TIME, "units": 2}, headers=admin).get_json()
    new_row = _row_of(client, admin, second)
    assert new_row["groupId"] != row["groupId"]
    assert (new_row["stageId"], new_row["mon"]) == (STAGES[0], 2)
    assert client.get(f"{WEEK}/{row['groupId']}", headers=admin).get_json()["stageId"] == STAGES[1]


def test_transaction_beside_approved_row(writer: Any) -> None:
    client, admin, _ = writer
    first = client.post(TRANSACTIONS, json={**TIME, "units": 1}, headers=admin).get_json()
    row = _row_of(client, admin, first)
    _approve(client, row["groupId"])
    second = client.post(TRANSACTIONS, json={**TIME, "units": 2}, headers=admin).get_json()
    assert _row_of(client, admin, second)["groupId"] != row["groupId"]
    assert client.get(f"{WEEK}/{row['groupId']}", headers=admin).get_json()["mon"] == 1


def test_approved_time_keeps_project_and_task(writer: Any) -> None:
    client, admin, _ = writer
    task = client.put(
        f"{ORG}/Projects/{C100_ID}/Tasks",
        json={"name": "Audit", "stageId": STAGES[0]},
        headers=admin,
    ).get_json()
    row = client.put(
        WEEK,
        json={
            "dateAsInt": 20250303,
            "projectId": C100_ID,
            "stageId": STAGES[0],
            "taskId": task["id"],
        },
        headers=admin,
    ).get_json()
    _approve(client, row["groupId"])

    for path in (f"{ORG}/Projects/{C100_ID}/Tasks/{task['id']}", f"{ORG}/Projects/{C100_ID}"):
        rejected = client.delete(path, headers=admin)
        assert rejected.status_code == 400, path
        assert "approved time" in rejected.get_json()["modelState"]["id"][0]
    assert client.get(f"{WEEK}/{row['groupId']}", headers=admin).get_json()["taskId"] == task["id"]


def test_issued_invoice_keeps_project_and_contact(writer: Any) -> None:
    client, admin, _ = writer
    invoice = client.put(
        f"{ORG}/Invoices",
        json={
            "projectId": C100_ID,
            "status": "PAID",
            "invoiceContacts": [{"contactId": CONTOSO_ID}],
        },
        headers=admin,
    ).get_json()
    for path in (f"{ORG}/Projects/{C100_ID}", f"{ORG}/Contacts/{CONTOSO_ID}"):
        rejected = client.delete(path, headers=admin)
        assert rejected.status_code == 400, path
        assert "issued invoice" in rejected.get_json()["modelState"]["id"][0]
    listed = client.get(
        f"{ORG}/Invoices", headers=admin, query_string={"pageSize": 1000}
    ).get_json()
    assert invoice["id"] in [i["id"] for i in listed["items"]]


def test_unknown_invoice_status_is_rejected(writer: Any) -> None:
    client, admin, _ = writer
    response = client.put(
        f"{ORG}/Invoices", json={"projectId": C100_ID, "status": "WHATEVER"}, headers=admin
    )
    assert response.status_code == 400
    assert "PAID" in response.get_json()["modelState"]["status"][0]


def test_contact_name_follows_partial_update(writer: Any) -> None:
    client, admin, _ = writer
    contact = client.put(
        f"{ORG}/Contacts", json={"firstName": "Jane", "lastName": "Doe"}, headers=admin
    ).get_json()
    renamed = client.post(
        f"{ORG}/Contacts/{contact['id']}", json={"firstName": "Janet"}, headers=admin
    )
    assert renamed.get_json()["name"] == "Janet Doe"


@pytest.mark.parametrize("company", ["self", ADMIN_STAFF_ID, "person"])
def test_company_must_be_a_company(writer: Any, company: Any) -> None:
    client, admin, _ = writer
    person = client.put(f"{ORG}/Contacts", json={"name": "Pat Person"}, headers=admin).get_json()
    company_id = {"self": person["id"], "person": person["id"]}.get(company, company)
    body = {"name": "Other Person"} if company == "person" else {}
    path = f"{ORG}/Contacts" if company == "person" else f"{ORG}/Contacts/{person['id']}"
    method = "PUT" if company == "person" else "POST"
    response = client.open(
        path, method=method, json={**body, "companyId": company_id}, headers=admin
    )
    assert response.status_code == 400
    assert list(response.get_json()["modelState"]) == ["companyId"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**TIME, "units": "2"}, "units"),
        ({**TIME, "staffId": 2**64}, "staffId"),
        ({**TIME, "fromDateAsInt": 2025035}, "fromDateAsInt"),
        ({**TIME, "staffId": True}, "staffId"),
    ],
)
def test_transaction_types_are_strict(writer: Any, body: dict[str, Any], field: str) -> None:
    client, admin, _ = writer
    response = client.post(TRANSACTIONS, json=body, headers=admin)
    assert response.status_code == 400
    assert field in response.get_json()["modelState"]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (f"{ORG}/Contacts", '{"name": "X\\ud800"}'),
        (f"{ORG}/Contacts", '{"name": ' + "[" * 5000 + "]" * 5000 + "}"),
        (
            f"{ORG}/Projects",
            '{"number": "D", "name": "D", "address": ' + '{"a": ' * 40 + "1" + "}" * 41,
        ),
        ("/api/v2/Timers", '{"text": "\\udfff"}'),
    ],
)
def test_unusable_json_is_400(writer: Any, path: str, data: str) -> None:
    client, admin, _ = writer
    response = client.put(path, data=data, content_type="application/json", headers=admin)
    if path.endswith("Timers"):
        response = client.post(path, data=data, content_type="application/json", headers=admin)
    assert response.status_code == 400
    assert list(response.get_json()["modelState"]) == ["body"]


def test_restricted_user_learns_nothing_of_others_locked_rows(writer: Any) -> None:
    client, admin, restricted = writer
    week = client.get(
        WEEK, headers=admin, query_string={"DateAsInt": 20250303, "ContactId": ADMIN_STAFF_ID}
    )
    group_id = week.get_json()["time"][0]["groupId"]
    _approve(client, group_id)
    response = client.post(f"{WEEK}/{group_id}", json={"mon": 1}, headers=restricted)
    assert response.status_code == 401
