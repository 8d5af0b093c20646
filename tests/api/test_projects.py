"""GET Organisation/{Slug}/Projects and Projects/{Id}."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from mock_server.store import Store
from mock_server.store.models import Invoice, Project
from mock_server.timezones import local_to_utc

from ..conftest import Api, items
from .routes import C100_ID, CONTOSO_ID, ROUTES

PROJECTS = ROUTES["projects"]

DOCUMENTED_FIELDS = [
    "id",
    "organisationId",
    "organisationName",
    "isOfficeProject",
    "isDefault",
    "number",
    "name",
    "scope",
    "statusName",
    "startDate",
    "endDate",
    "invoices",
    "isActive",
    "primaryContactId",
    "primaryContactName",
    "createdDate",
    "updatedDate",
    "address",
    "customFields",
]
CLIENT_FIELDS = [
    "projectNumber",
    "status",
    "primaryContact",
    "clientReferenceNumber",
    "manager",
    "office",
]
ADDRESS_FIELDS = [
    "id",
    "address1",
    "address2",
    "town",
    "state",
    "zipCode",
    "country",
    "latitude",
    "longitude",
    "hasAddress",
    "singleline",
]


def _all(api: Api, **params: Any) -> list[dict[str, Any]]:
    return items(api.get(PROJECTS, query_string={"pageSize": 1000, **params}))


def _count(url: str, *conditions: Any) -> int:
    store = Store(url)
    try:
        with store.session() as session:
            return int(session.scalar(select(func.count(Project.id)).where(*conditions)) or 0)
    finally:
        store.dispose()


def test_project_fields_in_documented_order(api: Api) -> None:
    project = _all(api, projectNumber="C 100")[0]
    assert list(project) == DOCUMENTED_FIELDS + CLIENT_FIELDS
    assert list(project["address"]) == ADDRESS_FIELDS


def test_client_lookup_by_number(api: Api) -> None:
    # A real client sends criteria.projectNumber percent-encoded and reads items[0].
    response = api.get(f"{PROJECTS}?criteria.projectNumber=C%20100")
    project = items(response)[0]
    assert project["projectNumber"] == project["number"] == "C 100"
    assert project["name"] == "Harbourside Library Fit-out"
    assert project["status"] == project["statusName"] == "Active"
    assert project["primaryContactId"] == CONTOSO_ID
    assert project["primaryContact"] == project["primaryContactName"] == "Contoso Constructions"
    assert project["clientReferenceNumber"] == "CON-4471"
    assert project["manager"] == "Alex Admin"
    assert project["office"] == "Sydney"
    address = project["address"]
    assert (address["address1"], address["town"], address["state"], address["zipCode"]) == (
        "1 Harbour Street",
        "Sydney",
        "NSW",
        "2000",
    )
    assert address["singleline"] == "1 Harbour Street, Sydney, NSW, 2000, Australia"
    assert address["hasAddress"] is True


def test_number_match_ignores_case_but_not_spacing(api: Api) -> None:
    assert len(_all(api, projectNumber="c 100")) == 1
    assert len(_all(api, number="C 100")) == 1
    assert _all(api, projectNumber="C100") == []
    assert _all(api, number="100") == []


def test_missing_number_is_empty_not_error(api: Api) -> None:
    body = api.get(PROJECTS, query_string={"criteria.projectNumber": "NOPE 1"}).get_json()
    assert body["totalItems"] == 0
    assert body["items"] == []
    assert body["totalPages"] == 0
    assert body["hasNext"] is False


def test_active_only_by_default(api: Api, small_url: str) -> None:
    projects = _all(api)
    assert projects
    assert all(p["isActive"] for p in projects)
    assert len(projects) == _count(small_url, Project.is_active.is_(True))
    # C 101 is Complete, so a plain number lookup does not find it.
    assert _all(api, projectNumber="C 101") == []


def test_is_active_false_lists_inactive(api: Api, small_url: str) -> None:
    inactive = _all(api, **{"criteria.isActive": "false"})
    assert inactive
    assert not any(p["isActive"] for p in inactive)
    assert len(inactive) == _count(small_url, Project.is_active.is_(False))
    assert [p["number"] for p in _all(api, isActive="false", projectNumber="C 101")] == ["C 101"]


def test_repeated_statuses_are_a_list(api: Api) -> None:
    response = api.get(
        f"{PROJECTS}?criteria.statuses=complete&criteria.statuses=Active&pageSize=1000"
    )
    found = {p["statusName"] for p in items(response)}
    assert found == {"Active", "Complete"}


def test_status_type_id_lifts_active_default(api: Api) -> None:
    complete = _all(api, StatusTypeId=2)
    assert complete
    assert {p["statusName"] for p in complete} == {"Complete"}


def test_live_like_filters_ignore_status_filters(make_app: Any, keys: dict[str, str]) -> None:
    api = Api(
        make_app(projects_live_like_filters=True).test_client(), keys["alex.admin@testorg.example"]
    )
    assert all(p["isActive"] for p in _all(api, isActive="false"))
    assert _all(api, statuses="Complete") == _all(api)


def test_active_default_can_be_switched_off(
    make_app: Any, keys: dict[str, str], small_url: str
) -> None:
    api = Api(
        make_app(projects_active_only_default=False).test_client(),
        keys["alex.admin@testorg.example"],
    )
    assert len(_all(api)) == _count(small_url)


def test_manager_and_default_filters(api: Api) -> None:
    managed = _all(api, ManagerId=101, isActive="true")
    assert managed
    assert all(p["manager"] == "Alex Admin" for p in managed)
    defaults = _all(api, IsDefault="true")
    assert [p["isOfficeProject"] for p in defaults] == [True]


def test_date_filters_are_on_or_after(api: Api) -> None:
    projects = _all(api)
    pivot = sorted(p["updatedDate"] for p in projects)[len(projects) // 2]
    # Record dates are local to Sydney, and the filter takes UTC.
    as_utc = local_to_utc(dt.datetime.fromisoformat(pivot), "Australia/Sydney").isoformat() + "Z"
    later = _all(api, UpdatedDate=as_utc)
    assert later
    assert all(p["updatedDate"] >= pivot for p in later)
    assert len(later) == sum(p["updatedDate"] >= pivot for p in projects)
    assert _all(api, CreatedDate="2099-01-01") == []
    assert len(_all(api, CreatedDate="2000-01-01")) == len(projects)


def test_custom_fields_only_on_request(api: Api) -> None:
    plain = _all(api, projectNumber="C 100")[0]
    assert plain["customFields"] is None
    rich = _all(api, projectNumber="C 100", IncludeCustomFields="TRUE")[0]
    assert rich["customFields"][0]["name"] == "Project sector"
    assert rich["customFields"][0]["displayValue"] in {"Educational", "Health", "Residential"}


def test_id_filter_returns_one(api: Api) -> None:
    assert [p["id"] for p in _all(api, **{"criteria.Id": C100_ID})] == [C100_ID]


def test_id_filter_finds_inactive_project(api: Api) -> None:
    complete = _all(api, isActive="false", projectNumber="C 101")[0]
    assert [p["number"] for p in _all(api, Id=complete["id"])] == ["C 101"]


def test_get_by_id_is_the_bare_item(api: Api, small_url: str) -> None:
    response = api.get(f"{PROJECTS}/{C100_ID}?includeCustomFields=true")
    assert response.status_code == 200
    project = response.get_json()
    assert project["id"] == C100_ID
    assert project["number"] == "C 100"
    assert isinstance(project["customFields"], list)
    store = Store(small_url)
    with store.session() as session:
        expected = session.scalar(
            select(func.count(Invoice.id)).where(Invoice.project_id == C100_ID)
        )
    store.dispose()
    assert project["invoices"] == expected


def test_dates_are_naive_dotnet_strings(api: Api) -> None:
    for project in _all(api):
        for name in ("startDate", "createdDate", "updatedDate"):
            value = project[name]
            assert "Z" not in value
            assert "+" not in value
            dt.datetime.fromisoformat(value)
        if project["endDate"] is not None:
            dt.datetime.fromisoformat(project["endDate"])


def test_aliases_can_be_switched_off(make_app: Any, keys: dict[str, str]) -> None:
    api = Api(
        make_app(project_field_aliases=False).test_client(), keys["alex.admin@testorg.example"]
    )
    assert list(_all(api)[0]) == DOCUMENTED_FIELDS


@pytest.mark.parametrize("page_size", [1, 3, 1000])
def test_paging_walks_every_project(api: Api, page_size: int) -> None:
    total = len(_all(api, isActive="false")) + len(_all(api, isActive="true"))
    seen: list[int] = []
    page = 1
    while True:
        body = api.get(
            PROJECTS,
            query_string={
                "criteria.isActive": "false",
                "criteria.pageSize": page_size,
                "criteria.pageNumber": page,
            },
        ).get_json()
        seen += [p["id"] for p in body["items"]]
        if not body["hasNext"]:
            break
        page += 1
    assert len(seen) == len(set(seen)) == len(_all(api, isActive="false"))
    assert total >= len(seen)
