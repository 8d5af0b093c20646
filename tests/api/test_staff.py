"""GET Organisation/{Slug}/Staff: a bare array."""

from __future__ import annotations

from typing import Any

from ..conftest import RESTRICTED, Api
from .routes import ROUTES

STAFF = ROUTES["staff"]

VENDOR_FIELDS = [
    "id",
    "organisationId",
    "name",
    "lastName",
    "firstName",
    "email",
    "contactTypeId",
    "cardId",
    "address",
    "state",
    "city",
    "postcode",
    "bambooId",
    "xeroId",
    "dateEmployment",
    "dateTermination",
    "position",
    "phone",
    "rate",
    "rateDisplay",
    "isActive",
    "reportsTo",
    "zipCode",
    "twitter",
    "createdDate",
    "udpatedDate",
]


def _staff(api: Api, **params: Any) -> list[dict[str, Any]]:
    response = api.get(STAFF, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert isinstance(body, list)
    return body


def test_staff_is_bare_array_in_vendor_order(api: Api) -> None:
    staff = _staff(api)
    assert len(staff) == 5
    assert list(staff[0]) == VENDOR_FIELDS
    assert "updatedDate" not in staff[0]


def test_staff_value_styles(api: Api) -> None:
    alex = _staff(api)[0]
    assert alex["name"] == "Alex Admin"
    assert alex["rate"] == "$260.00"
    assert alex["rateDisplay"] == "Director"
    assert alex["contactTypeId"] == 0
    assert alex["bambooId"] == 0
    reports = [s for s in _staff(api) if s["reportsTo"] is not None]
    assert reports
    assert all(isinstance(s["reportsTo"], str) for s in reports)


def test_paging_keys_are_ignored(api: Api) -> None:
    assert len(_staff(api, pageSize=1, page=2)) == len(_staff(api))


def test_correct_spelling_added_when_enabled(make_app: Any, keys: dict[str, str]) -> None:
    api = Api(
        make_app(staff_emit_updated_date=True).test_client(), keys["alex.admin@testorg.example"]
    )
    member = _staff(api)[0]
    assert member["updatedDate"] == member["udpatedDate"]


def test_staff_filters(api: Api) -> None:
    everyone = _staff(api)
    managers = _staff(api, CanBeAManager="true")
    assert 0 < len(managers) < len(everyone)
    assert "riley.restricted@testorg.example" not in {s["email"] for s in managers}
    assert [s["name"] for s in _staff(api, IsDefault="true")] == ["Alex Admin"]
    with_email = _staff(api, ExcludeNoEmails="true")
    assert all(s["email"] for s in with_email)
    assert len(with_email) == sum(bool(s["email"]) for s in everyone)
    assert _staff(api, OrganisationId=1) == everyone
    assert _staff(api, OrganisationId=999) == []
    assert _staff(api, UpdatedDate="2099-01-01") == []


def test_restricted_user_sees_no_rates(api: Api, keys: dict[str, str]) -> None:
    staff = _staff(Api(api.client, keys[RESTRICTED]))
    assert staff
    assert all(s["rate"] is None for s in staff)
