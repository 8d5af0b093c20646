"""Writes to Projects and Contacts: PUT creates, POST creates or updates, DELETE removes."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from .routes import ADMIN_STAFF_ID, CONTOSO_ID, ROUTES

PROJECTS = ROUTES["projects"]
CONTACTS = ROUTES["contacts"]
NEW_PROJECT = {
    "number": "N 1",
    "name": "New Library",
    "statusName": "Active",
    "primaryContactId": CONTOSO_ID,
    "managerId": ADMIN_STAFF_ID,
    "address": {"address1": "2 George Street", "town": "Sydney"},
}
NEW_CONTACT = {
    "kind": "company",
    "name": "Acme Pty",
    "email": "hello@acme.example",
    "phones": {"mobile": "0400 000 000"},
}


def _all_numbers(client: FlaskClient, headers: dict[str, str], **params: Any) -> list[str]:
    body = client.get(
        PROJECTS, headers=headers, query_string={"pageSize": 1000, **params}
    ).get_json()
    return [p["number"] for p in body["items"]]


def test_put_creates_project_seen_by_every_list(writer: Any) -> None:
    client, admin, _ = writer
    created = client.put(PROJECTS, json=NEW_PROJECT, headers=admin)
    assert created.status_code == 200
    project = created.get_json()
    assert project["number"] == "N 1"
    assert project["primaryContactName"] == "Contoso Constructions"
    assert project["manager"] == "Alex Admin"
    assert project["address"]["singleline"] == "2 George Street, Sydney"
    assert project["createdDate"] == project["updatedDate"]

    assert client.get(f"{PROJECTS}/{project['id']}", headers=admin).get_json() == project
    assert "N 1" in _all_numbers(client, admin)
    assert _all_numbers(client, admin, projectNumber="n 1") == ["N 1"]
    assert _all_numbers(client, admin, ManagerId=ADMIN_STAFF_ID).count("N 1") == 1
    assert "N 1" in _all_numbers(client, admin, UpdatedDate="2025-03-06T21:59:00Z")
    # The write and its journal row both landed; neither waited on the other's lock.
    writes = client.get("/_mock/journal", query_string={"method": "PUT"}).get_json()
    assert [(r["path"], r["status"]) for r in writes["requests"]] == [(PROJECTS, 200)]


def test_post_updates_then_creates(writer: Any) -> None:
    client, admin, _ = writer
    project = client.put(PROJECTS, json=NEW_PROJECT, headers=admin).get_json()
    client.post("/_mock/clock", json={"advance_seconds": 60})

    updated = client.post(
        PROJECTS,
        json={"id": project["id"], "name": "Renamed", "statusName": "complete"},
        headers=admin,
    )
    assert updated.status_code == 200
    body = updated.get_json()
    assert (body["id"], body["name"], body["statusName"], body["isActive"]) == (
        project["id"],
        "Renamed",
        "Complete",
        False,
    )
    assert body["updatedDate"] > body["createdDate"]
    assert "N 1" not in _all_numbers(client, admin)
    assert _all_numbers(client, admin, StatusTypeId=2).count("N 1") == 1

    by_path = client.post(
        f"{PROJECTS}/{project['id']}", json={"office": "Melbourne"}, headers=admin
    ).get_json()
    assert by_path["office"] == "Melbourne"
    fresh = client.post(PROJECTS, json={"number": "N 2", "name": "Fresh"}, headers=admin)
    assert fresh.status_code == 200
    assert fresh.get_json()["id"] != project["id"]


def test_delete_removes_project(writer: Any) -> None:
    client, admin, _ = writer
    project = client.put(PROJECTS, json=NEW_PROJECT, headers=admin).get_json()
    path = f"{PROJECTS}/{project['id']}"
    assert client.delete(path, headers=admin).status_code == 200
    assert client.get(path, headers=admin).status_code == 404
    assert client.delete(path, headers=admin).status_code == 404
    assert "N 1" not in _all_numbers(client, admin)


def test_contact_round_trip(writer: Any) -> None:
    client, admin, _ = writer
    created = client.put(CONTACTS, json=NEW_CONTACT, headers=admin)
    assert created.status_code == 200
    contact = created.get_json()
    assert (contact["contactTypeId"], contact["name"], contact["email"]) == (
        30,
        "Acme Pty",
        "hello@acme.example",
    )
    assert contact["phones"]["mobile"] == "0400 000 000"

    updated = client.post(
        f"{CONTACTS}/{contact['id']}", json={"name": "Acme Ltd"}, headers=admin
    ).get_json()
    assert updated["name"] == "Acme Ltd"
    listed = client.get(
        CONTACTS, headers=admin, query_string={"ShowStaff": "false", "pageSize": 1000}
    ).get_json()
    assert "Acme Ltd" in [c["name"] for c in listed["items"]]

    assert client.delete(f"{CONTACTS}/{contact['id']}", headers=admin).status_code == 200
    assert client.get(f"{CONTACTS}/{contact['id']}", headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "fields"),
    [
        ("PUT", PROJECTS, {"name": "No number"}, ["number"]),
        ("PUT", PROJECTS, {"number": "X"}, ["name"]),
        ("PUT", PROJECTS, {"number": 5, "name": ["x"]}, ["number", "name"]),
        ("PUT", PROJECTS, {**NEW_PROJECT, "startDate": "soon"}, ["startDate"]),
        ("PUT", PROJECTS, {**NEW_PROJECT, "isDefault": "yes"}, ["isDefault"]),
        ("PUT", PROJECTS, {**NEW_PROJECT, "statusName": "Sleeping"}, ["statusName"]),
        ("PUT", PROJECTS, {**NEW_PROJECT, "primaryContactId": 999999}, ["primaryContactId"]),
        ("PUT", PROJECTS, {**NEW_PROJECT, "managerId": CONTOSO_ID}, ["managerId"]),
        ("PUT", PROJECTS, {**NEW_PROJECT, "number": "C 100"}, ["number"]),
        (
            "PUT",
            PROJECTS,
            {**NEW_PROJECT, "number": "C 100", "statusName": "Sleeping", "managerId": CONTOSO_ID},
            ["number", "statusName", "managerId"],
        ),
        ("PUT", PROJECTS, {**NEW_PROJECT, "address": {"latitude": 200}}, ["address.latitude"]),
        ("PUT", PROJECTS, ["not", "an", "object"], ["body"]),
        ("PUT", CONTACTS, {"kind": "company"}, ["name"]),
        ("PUT", CONTACTS, {**NEW_CONTACT, "email": "not-an-email"}, ["email"]),
        ("PUT", CONTACTS, {**NEW_CONTACT, "kind": "robot"}, ["kind"]),
        ("PUT", CONTACTS, {**NEW_CONTACT, "companyId": 999999}, ["companyId"]),
        ("POST", f"{CONTACTS}/{ADMIN_STAFF_ID}", {"name": "x"}, ["id"]),
    ],
)
def test_bad_body_gets_400_and_stores_nothing(
    writer: Any, method: str, path: str, body: Any, fields: list[str]
) -> None:
    client, admin, _ = writer
    counts = {
        p: client.get(p, headers=admin, query_string={"isActive": "false"}).get_json()["totalItems"]
        for p in (PROJECTS, CONTACTS)
    }
    response = client.open(path, method=method, json=body, headers=admin)
    assert response.status_code == 400
    assert sorted(response.get_json()["modelState"]) == sorted(fields)
    after = {
        p: client.get(p, headers=admin, query_string={"isActive": "false"}).get_json()["totalItems"]
        for p in (PROJECTS, CONTACTS)
    }
    assert after == counts


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"data": "number=1"}, "Content-Type must be application/json"),
        ({"data": "{broken", "content_type": "application/json"}, "not valid JSON"),
    ],
)
def test_wrong_encoding_gets_400(writer: Any, kwargs: dict[str, Any], problem: str) -> None:
    client, admin, _ = writer
    response = client.put(PROJECTS, headers=admin, **kwargs)
    assert response.status_code == 400
    assert problem in response.get_json()["modelState"]["body"][0]


def test_oversized_write_gets_413(writer: Any) -> None:
    client, admin, _ = writer
    response = client.put(PROJECTS, json={**NEW_PROJECT, "scope": "x" * 1_100_000}, headers=admin)
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", PROJECTS),
        ("POST", PROJECTS),
        ("DELETE", f"{PROJECTS}/20001"),
        ("PUT", CONTACTS),
        ("DELETE", f"{CONTACTS}/{CONTOSO_ID}"),
    ],
)
def test_restricted_user_cannot_write(writer: Any, method: str, path: str) -> None:
    client, admin, restricted = writer
    response = client.open(path, method=method, json=NEW_PROJECT, headers=restricted)
    assert response.status_code == 401
    assert client.get(f"{PROJECTS}/20001", headers=admin).status_code == 200


def test_unknown_ids_get_404(writer: Any) -> None:
    client, admin, _ = writer
    assert client.post(f"{PROJECTS}/999999", json={"name": "x"}, headers=admin).status_code == 404
    assert client.delete(f"{CONTACTS}/999999", headers=admin).status_code == 404
    assert client.delete(f"{CONTACTS}/{ADMIN_STAFF_ID}", headers=admin).status_code == 404
