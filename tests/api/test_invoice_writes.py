"""Writes to Invoices: PUT creates, POST creates or updates by id, DELETE removes."""

from __future__ import annotations

from typing import Any

import pytest

from .routes import C100_ID, CONTOSO_ID, ROUTES

INVOICES = ROUTES["invoices"]
NEW = {
    "projectId": C100_ID,
    "text": "Stage 1 fees",
    "totalExTax": 1000,
    "date": "2025-03-07T00:00:00",
    "invoiceContacts": [{"contactId": CONTOSO_ID}],
}


def _ids(client: Any, headers: dict[str, str], **params: Any) -> list[int]:
    body = client.get(
        INVOICES, headers=headers, query_string={"pageSize": 1000, **params}
    ).get_json()
    return [i["id"] for i in body["items"]]


def test_invoice_round_trip(writer: Any) -> None:
    client, admin, restricted = writer
    created = client.put(INVOICES, json=NEW, headers=admin)
    assert created.status_code == 200
    invoice = created.get_json()
    assert (invoice["status"], invoice["invoiceNumberDisplay"]) == ("DRAFT", "DRAFT")
    assert (invoice["totalExTax"], invoice["totalTax"], invoice["totalIncTax"]) == (1000, 100, 1100)
    assert invoice["invoiceContacts"][0]["contactId"] == CONTOSO_ID
    assert invoice["invoiceContacts"][0]["invoicePercent"] == 100
    assert client.get(f"{INVOICES}/{invoice['id']}", headers=admin).get_json() == invoice
    assert client.get(f"{INVOICES}/{invoice['id']}", headers=restricted).status_code == 401
    assert invoice["id"] in _ids(client, admin, ProjectId=C100_ID)
    assert invoice["id"] in _ids(client, admin, ContactId=CONTOSO_ID)

    updated = client.post(
        INVOICES,
        json={"id": invoice["id"], "status": "cancelled", "totalExTax": 50, "totalTax": 0},
        headers=admin,
    )
    assert updated.get_json()["status"] == "CANCELLED"
    assert updated.get_json()["totalIncTax"] == 50
    by_path = client.post(f"{INVOICES}/{invoice['id']}", json={"text": "Revised"}, headers=admin)
    assert (by_path.get_json()["id"], by_path.get_json()["text"]) == (invoice["id"], "Revised")

    assert client.delete(f"{INVOICES}/{invoice['id']}", headers=admin).status_code == 200
    assert invoice["id"] not in _ids(client, admin)
    assert client.delete(f"{INVOICES}/{invoice['id']}", headers=admin).status_code == 404
    assert client.get(f"{INVOICES}/{invoice['id']}", headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"projectId": None}, "projectId"),
        ({"projectId": 999999}, "projectId"),
        ({"totalExTax": "lots"}, "totalExTax"),
        ({"date": "tomorrow"}, "date"),
        ({"invoiceContacts": [{"contactId": 999999}]}, "invoiceContacts.0.contactId"),
        ({"invoiceContacts": [{}]}, "invoiceContacts.0.contactId"),
        ({"status": "not a status!"}, "status"),
    ],
)
def test_bad_invoice_stores_nothing(writer: Any, change: dict[str, Any], field: str) -> None:
    client, admin, _ = writer
    before = _ids(client, admin)
    body = {k: v for k, v in {**NEW, **change}.items() if v is not None}
    response = client.put(INVOICES, json=body, headers=admin)
    assert response.status_code == 400
    assert field in response.get_json()["modelState"]
    assert _ids(client, admin) == before


def test_restricted_user_cannot_write_invoices(writer: Any) -> None:
    client, _, restricted = writer
    assert client.put(INVOICES, json=NEW, headers=restricted).status_code == 401
