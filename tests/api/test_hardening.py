"""Hostile and edge-case input: every one gets a clear 4xx in the API's shape, never a 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from mock_server import create_app
from mock_server.store import Store
from mock_server.store.models import Contact

from ..conftest import RESTRICTED, STANDARD, Api, fixture_keys, seed_file
from .routes import C100_ID, CONTOSO_ID, ORG, ROUTES

ODD_HEADERS = {
    "kid_number": "eyJhbGciOiJIUzI1NiIsImtpZCI6MX0.e30.abcd",
    "crit": "eyJhbGciOiJIUzI1NiIsImNyaXQiOlsieCJdfQ.e30.abcd",
}


@pytest.mark.parametrize("token", ODD_HEADERS.values(), ids=ODD_HEADERS.keys())
def test_odd_jwt_header_gets_401(api: Api, token: str) -> None:
    response = api.get(ROUTES["timers"], key=token)
    assert response.status_code == 401
    assert response.headers["X-Synergy-Mock-Auth-Error"] == "malformed key"


HUGE = "9223372036854775808"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (ROUTES["projects"], {"Id": HUGE}, "Id"),
        (ROUTES["projects"], {"ManagerId": "99999999999999999999"}, "ManagerId"),
        (ROUTES["contacts"], {"MinSecurityLevel": HUGE}, "MinSecurityLevel"),
        (ROUTES["invoices"], {"ContactId": HUGE}, "ContactId"),
        (ROUTES["timers"], {"OrganisationId": HUGE}, "OrganisationId"),
        (f"{ORG}/Timesheet/Week", {"DateAsInt": "20250303", "ContactId": HUGE}, "ContactId"),
        (ROUTES["projects"], {"pageSize": "\uff15"}, "pageSize"),
        (f"{ORG}/Timesheet/Week", {"DateAsInt": "00010101"}, "DateAsInt"),
        (f"{ORG}/Timesheet/Week", {"DateAsInt": "99991231"}, "DateAsInt"),
        (ROUTES["contacts"], {"UpdatedDate": "9999-12-31T23:59:59"}, "UpdatedDate"),
        (ROUTES["staff"], {"CreatedDate": "0001-01-01T00:00:00+12:00"}, "CreatedDate"),
        (ROUTES["projects"], {"UpdatedDate": "0001-01-01"}, "UpdatedDate"),
    ],
)
def test_out_of_range_values_get_400(
    api: Api, path: str, params: dict[str, str], field: str
) -> None:
    response = api.get(path, query_string=params)
    assert response.status_code == 400
    assert list(response.get_json()["modelState"]) == [field]


@pytest.mark.parametrize(
    "path",
    [
        f"{ROUTES['projects']}/99999999999999999999",
        f"{ROUTES['contacts']}/{HUGE}",
        f"{ROUTES['contacts']}/\uff11\uff10\uff11",
    ],
)
def test_unusable_path_ids_get_404(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response.get_json()["message"].startswith("No HTTP resource was found")


@pytest.mark.parametrize("page", ["9223372036854775807", "999999999999999999"])
def test_enormous_page_is_empty(api: Api, page: str) -> None:
    body = api.get(ROUTES["projects"], query_string={"page": page, "pageSize": 1000}).get_json()
    assert body["items"] == []
    assert body["totalItems"] > 0


def test_double_slashes_are_merged(api: Api) -> None:
    response = api.get("/api/v2//Organisation//testOrg/Projects")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_405_names_allowed_methods(api: Api) -> None:
    response = api.request("PATCH", ROUTES["projects"])
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    ("slug", "echoed"), [("%C3%89cole", "\u00c9cole"), ("ORGANISATION", "ORGANISATION")]
)
def test_unknown_slug_echoed_exactly(api: Api, slug: str, echoed: str) -> None:
    response = api.get(f"/api/v2/Organisation/{slug}/Projects")
    assert response.get_json() == {"message": f"Organisation '{echoed}' was not found."}


@pytest.fixture
def hidden_contoso(tmp_path: Path) -> Any:
    """A small scenario in which Contoso is above the standard user's security level."""
    url = seed_file(tmp_path / "hidden.db", "small")
    store = Store(url)
    with store.session() as session:
        session.execute(update(Contact).where(Contact.id == CONTOSO_ID).values(security_level=60))
    store.dispose()
    app = create_app({"database_url": url})
    yield app.test_client(), fixture_keys(url)
    app.extensions["synergy_mock"].store.dispose()


def test_hidden_contact_not_named_on_projects(hidden_contoso: Any) -> None:
    client, keys = hidden_contoso
    for email in (STANDARD, RESTRICTED):
        project = client.get(
            f"{ROUTES['projects']}/{C100_ID}", headers={"access-token": keys[email]}
        ).get_json()
        assert project["primaryContactId"] is None
        assert project["primaryContactName"] is None
        assert project["primaryContact"] is None
    admin = client.get(
        f"{ROUTES['projects']}/{C100_ID}",
        headers={"access-token": keys["alex.admin@testorg.example"]},
    ).get_json()
    assert admin["primaryContactId"] == CONTOSO_ID


def test_hidden_contact_not_named_on_invoices(hidden_contoso: Any) -> None:
    client, keys = hidden_contoso
    admin = {"access-token": keys["alex.admin@testorg.example"]}
    sam = {"access-token": keys[STANDARD]}
    mentioning = client.get(f"{ROUTES['invoices']}?ContactId={CONTOSO_ID}", headers=admin)
    assert mentioning.get_json()["totalItems"] > 0
    assert (
        client.get(f"{ROUTES['invoices']}?ContactId={CONTOSO_ID}", headers=sam).get_json()[
            "totalItems"
        ]
        == 0
    )
    by_email = client.get(
        f"{ROUTES['invoices']}?ContactEmail=projects@contoso.example", headers=sam
    )
    assert by_email.get_json()["totalItems"] == 0
    everything = client.get(f"{ROUTES['invoices']}?pageSize=1000", headers=sam).get_json()
    for invoice in everything["items"]:
        for contact in invoice["invoiceContacts"]:
            assert contact["contact"] != "Contoso Constructions"
            assert contact["contactId"] != CONTOSO_ID
