"""Every writable resource, every write verb, every class of bad input: a clear 4xx, nothing stored.

Each case sends one bad request to a fresh small-scenario database and compares every table,
except the request journal, before and after.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from mock_server.store.models import Base

from .routes import ADMIN_STAFF_ID, C100_ID, CONTOSO_ID, ORG

# Tables a rejected request may still change: the journal records every request, and every
# authenticated call counts against the daily quota.
BOOKKEEPING = {"journal", "quotas"}
MISSING_ID = 999_999
MISSING_GROUP = "0b9d7cf6-6f41-4b8e-9a55-0a7c3e6a0e11"


@dataclass(frozen=True)
class Resource:
    """How to write one resource, with a valid body and bad bodies that each name a field."""

    collection: str
    item: str
    valid: dict[str, Any]
    wrong_type: tuple[dict[str, Any], str]
    unknown_reference: tuple[dict[str, Any], str] | None
    missing: str | None
    restricted_rejected: bool = True
    verbs: tuple[str, ...] = ("PUT", "POST", "DELETE")
    extra: dict[str, Any] = field(default_factory=dict)


STAGE_ID = 30001

RESOURCES = {
    "projects": Resource(
        collection=f"{ORG}/Projects",
        item=f"{ORG}/Projects/{{id}}",
        valid={"number": "M 1", "name": "Matrix"},
        wrong_type=({"number": "M 1", "name": "Matrix", "isDefault": "yes"}, "isDefault"),
        unknown_reference=(
            {"number": "M 1", "name": "Matrix", "primaryContactId": MISSING_ID},
            "primaryContactId",
        ),
        missing="name",
    ),
    "contacts": Resource(
        collection=f"{ORG}/Contacts",
        item=f"{ORG}/Contacts/{{id}}",
        valid={"name": "Matrix Pty", "kind": "company"},
        wrong_type=({"name": "Matrix Pty", "isActive": 1}, "isActive"),
        unknown_reference=({"name": "Matrix Pty", "companyId": MISSING_ID}, "companyId"),
        missing="name",
    ),
    "invoices": Resource(
        collection=f"{ORG}/Invoices",
        item=f"{ORG}/Invoices/{{id}}",
        valid={"projectId": C100_ID},
        wrong_type=({"projectId": C100_ID, "totalExTax": "lots"}, "totalExTax"),
        unknown_reference=({"projectId": MISSING_ID}, "projectId"),
        missing="projectId",
    ),
    "stages": Resource(
        collection=f"{ORG}/Projects/{C100_ID}/Stages",
        item=f"{ORG}/Projects/{C100_ID}/Stages/{{id}}",
        valid={"name": "Matrix stage"},
        wrong_type=({"name": ["Matrix"]}, "name"),
        unknown_reference=None,
        missing="name",
    ),
    "tasks": Resource(
        collection=f"{ORG}/Projects/{C100_ID}/Tasks",
        item=f"{ORG}/Projects/{C100_ID}/Tasks/{{id}}",
        valid={"name": "Matrix task", "stageId": STAGE_ID},
        wrong_type=({"name": "Matrix task", "stageId": "first"}, "stageId"),
        unknown_reference=({"name": "Matrix task", "stageId": MISSING_ID}, "stageId"),
        missing="name",
    ),
    "timesheet rows": Resource(
        collection=f"{ORG}/Timesheet/Week",
        item=f"{ORG}/Timesheet/Week/{{id}}",
        valid={"dateAsInt": 20250305, "projectId": C100_ID, "stageId": STAGE_ID, "mon": 1},
        wrong_type=(
            {"dateAsInt": 20250305, "projectId": C100_ID, "stageId": STAGE_ID, "mon": "one"},
            "mon",
        ),
        unknown_reference=(
            {"dateAsInt": 20250305, "projectId": C100_ID, "stageId": MISSING_ID},
            "stageId",
        ),
        missing="dateAsInt",
        extra={"restricted_body": {"staffId": ADMIN_STAFF_ID}},
    ),
    "transactions": Resource(
        collection=f"{ORG}/Transactions",
        item="",
        valid={
            "staffId": ADMIN_STAFF_ID,
            "projectId": C100_ID,
            "stageId": STAGE_ID,
            "fromDateAsInt": 20250303,
            "units": 1,
        },
        wrong_type=(
            {
                "staffId": ADMIN_STAFF_ID,
                "projectId": C100_ID,
                "stageId": STAGE_ID,
                "fromDateAsInt": 20250303,
                "units": "one",
            },
            "units",
        ),
        unknown_reference=(
            {
                "staffId": CONTOSO_ID,
                "projectId": C100_ID,
                "stageId": STAGE_ID,
                "fromDateAsInt": 20250303,
                "units": 1,
            },
            "staffId",
        ),
        missing="units",
        verbs=("POST",),
    ),
    "timers": Resource(
        collection="/api/v2/Timers",
        item="",
        valid={"text": "Matrix"},
        wrong_type=({"duration": "long"}, "duration"),
        # Timer parameters are named as the vendor documents them, capitalised.
        unknown_reference=({"projectId": MISSING_ID}, "ProjectId"),
        missing=None,
        restricted_rejected=False,
        verbs=("POST",),
    ),
}

ERROR_CLASSES = (
    "wrong type",
    "missing field",
    "unknown reference",
    "malformed JSON",
    "wrong content type",
    "too large",
    "insufficient access",
    "unknown id",
)


def _cases() -> list[Any]:
    cases = []
    for name, resource in RESOURCES.items():
        for verb in resource.verbs:
            for error in ERROR_CLASSES:
                if _applies(resource, verb, error):
                    cases.append(pytest.param(name, verb, error, id=f"{name}-{verb}-{error}"))
    return cases


def _applies(resource: Resource, verb: str, error: str) -> bool:
    if verb == "DELETE":
        return error in ("insufficient access", "unknown id")
    if error == "missing field":
        return resource.missing is not None
    if error == "unknown reference":
        return resource.unknown_reference is not None
    if error == "insufficient access":
        return resource.restricted_rejected
    if error == "unknown id":
        return bool(resource.item) and verb == "POST"
    return True


def _fingerprint(client: FlaskClient) -> dict[str, str]:
    """Return a digest of every row of every table the API writes."""
    engine = client.application.extensions["synergy_mock"].store.engine
    digests = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            digests[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def _existing_id(client: FlaskClient, name: str, headers: dict[str, str]) -> str:
    """Return the id (or groupId) of a record of this resource that a DELETE could remove."""
    if name == "timesheet rows":
        week = client.get(
            f"{ORG}/Timesheet/Week",
            headers=headers,
            query_string={"DateAsInt": 20250303, "ContactId": ADMIN_STAFF_ID},
        ).get_json()
        return str(week["time"][0]["groupId"])
    listed = client.get(RESOURCES[name].collection, headers=headers).get_json()
    return str(listed["items"][0]["id"])


def _request(
    client: FlaskClient, name: str, verb: str, error: str, admin: dict[str, str], restricted: Any
) -> tuple[str, str, dict[str, Any], dict[str, str]]:
    """Return the path, method, request arguments and headers of one bad request."""
    resource = RESOURCES[name]
    path = resource.collection
    kwargs: dict[str, Any] = {"json": resource.valid}
    headers = admin
    if error == "wrong type":
        kwargs["json"] = resource.wrong_type[0]
    elif error == "missing field":
        assert resource.missing is not None
        kwargs["json"] = {k: v for k, v in resource.valid.items() if k != resource.missing}
    elif error == "unknown reference":
        assert resource.unknown_reference is not None
        kwargs["json"] = resource.unknown_reference[0]
    elif error == "malformed JSON":
        kwargs = {"data": '{"name": ', "content_type": "application/json"}
    elif error == "wrong content type":
        kwargs = {"data": "name=Matrix", "content_type": "application/x-www-form-urlencoded"}
    elif error == "too large":
        kwargs["json"] = {**resource.valid, "padding": "x" * 1_100_000}
    elif error == "insufficient access":
        headers = restricted
        kwargs["json"] = {**resource.valid, **resource.extra.get("restricted_body", {})}
    if verb == "DELETE" or error == "unknown id":
        record = MISSING_GROUP if name == "timesheet rows" else str(MISSING_ID)
        if error == "insufficient access":
            record = _existing_id(client, name, admin)
        path = resource.item.format(id=record)
    return path, verb, kwargs, headers


EXPECTED_STATUS = {"too large": 413, "insufficient access": 401, "unknown id": 404}


@pytest.mark.parametrize(("name", "verb", "error"), _cases())
def test_bad_write_stores_nothing(writer: Any, name: str, verb: str, error: str) -> None:
    client, admin, restricted = writer
    path, method, kwargs, headers = _request(client, name, verb, error, admin, restricted)
    before = _fingerprint(client)

    response = client.open(path, method=method, headers=headers, **kwargs)

    assert response.status_code == EXPECTED_STATUS.get(error, 400), response.get_data(as_text=True)
    body = response.get_json()
    assert isinstance(body["message"], str) and body["message"]
    if response.status_code == 400:
        resource = RESOURCES[name]
        expected = {
            "wrong type": resource.wrong_type[1],
            "missing field": resource.missing,
            "unknown reference": (resource.unknown_reference or ({}, ""))[1],
        }.get(error, "body")
        assert list(body["modelState"]) == [expected]
        assert body["modelState"][expected][0]
    assert _fingerprint(client) == before


@pytest.mark.parametrize("name", [n for n, r in RESOURCES.items() if "PUT" in r.verbs])
def test_valid_table_bodies_are_stored(writer: Any, name: str) -> None:
    """The table's valid bodies really write, so each rejection above comes from its one flaw."""
    client, admin, _ = writer
    before = _fingerprint(client)
    response = client.put(RESOURCES[name].collection, json=RESOURCES[name].valid, headers=admin)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _fingerprint(client) != before
