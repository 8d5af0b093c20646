"""GET Organisation/{Slug}/Contacts and Contacts/{id}."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ..conftest import RESTRICTED, STANDARD, Api, items
from .routes import ADMIN_STAFF_ID, CONTOSO_ID, ROUTES

CONTACTS = ROUTES["contacts"]

VENDOR_FIELDS = [
    "id",
    "contactTypeId",
    "organisationId",
    "organisation",
    "avatar",
    "isStaff",
    "staffTypeName",
    "phones",
    "timezoneId",
    "userCurrentDate",
    "rolesDisplay",
    "roleIds",
    "emailDomain",
    "web",
    "jobTitle",
    "name",
    "initials",
    "localTime",
    "salutationId",
    "salutation",
    "firstName",
    "lastName",
    "email",
    "cardId",
]
PHONE_FIELDS = [
    "mobile",
    "phone",
    "phone2",
    "phone3",
    "phone4",
    "phone5",
    "phone6",
    "skypeName",
    "twitter",
    "linkedIn",
    "hasPhones",
]


def _all(api: Api, **params: Any) -> list[dict[str, Any]]:
    return items(api.get(CONTACTS, query_string={"pageSize": 1000, **params}))


def test_contact_fields_start_in_vendor_order(api: Api) -> None:
    contact = _all(api)[0]
    assert list(contact)[: len(VENDOR_FIELDS)] == VENDOR_FIELDS
    assert list(contact["phones"]) == PHONE_FIELDS
    assert contact["organisation"] is None
    assert contact["timezoneId"] == "AUS Eastern Standard Time"


def test_time_fields_follow_server_clock(api: Api) -> None:
    contact = _all(api)[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}", contact["userCurrentDate"])
    assert re.fullmatch(
        r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [A-Z][a-z]{2} \d{1,2}, \d{4} - \d{1,2}:\d\d (AM|PM)",
        contact["localTime"],
    )
    # The small scenario's clock starts on Friday 7 March 2025, 9 am in Sydney.
    assert contact["userCurrentDate"].startswith("2025-03-07T")


def test_get_one_contact_for_client(api: Api) -> None:
    response = api.get(f"{CONTACTS}/{CONTOSO_ID}")
    assert response.status_code == 200
    contact = response.get_json()
    assert contact["id"] == CONTOSO_ID
    assert contact["email"] == "projects@contoso.example"
    assert contact["emailDomain"] == "contoso.example"
    assert contact["name"] == "Contoso Constructions"
    assert "emailAddress" not in contact


def test_email_aliases_when_enabled(make_app: Any, keys: dict[str, str]) -> None:
    api = Api(
        make_app(contact_email_aliases=True).test_client(), keys["alex.admin@testorg.example"]
    )
    contact = api.get(f"{CONTACTS}/{CONTOSO_ID}").get_json()
    assert contact["emailAddress"] == contact["email"]
    assert contact["emails"] == [contact["email"]]


@pytest.mark.parametrize(
    ("flag", "kind_check"),
    [
        ("ShowStaff", lambda c: c["isStaff"]),
        ("ShowCompany", lambda c: c["contactTypeId"] == 30),
        ("ShowPersonnel", lambda c: c["contactTypeId"] == 31),
        ("ShowIndividual", lambda c: c["contactTypeId"] == 32),
    ],
)
def test_show_flag_false_hides_that_kind(api: Api, flag: str, kind_check: Any) -> None:
    everything = _all(api)
    assert any(kind_check(c) for c in everything)
    without = _all(api, **{flag: "false"})
    assert not any(kind_check(c) for c in without)
    assert len(without) == sum(not kind_check(c) for c in everything)
    assert len(_all(api, **{flag: "true"})) == len(everything)


def test_envelope_has_null_criteria(api: Api) -> None:
    body = api.get(CONTACTS, query_string={"ShowStaff": "false"}).get_json()
    assert list(body)[:3] == ["totalItems", "criteria", "items"]
    assert body["criteria"] is None


def test_min_security_level_filters(api: Api) -> None:
    everything = _all(api)
    secured = _all(api, MinSecurityLevel=1)
    assert len(secured) < len(everything)
    assert len(_all(api, MinSecurityLevel=0)) == len(everything)


def test_lower_security_level_sees_fewer(api: Api, keys: dict[str, str]) -> None:
    admin_ids = {c["id"] for c in _all(api)}
    restricted = Api(api.client, keys[RESTRICTED])
    restricted_ids = {c["id"] for c in _all(restricted)}
    assert restricted_ids < admin_ids
    hidden = sorted(admin_ids - restricted_ids)[0]
    assert restricted.get(f"{CONTACTS}/{hidden}").status_code == 404
    assert Api(api.client, keys[STANDARD]).get(f"{CONTACTS}/{hidden}").status_code == 200


def test_staff_are_contacts_with_one_id_space(api: Api) -> None:
    response = api.get(f"{CONTACTS}/{ADMIN_STAFF_ID}")
    assert response.status_code == 200
    assert response.get_json()["isStaff"] is True
    assert response.get_json()["contactTypeId"] == 0


def test_date_filter_on_contacts(api: Api) -> None:
    assert _all(api, UpdatedDate="2099-01-01T00:00:00Z") == []
    assert len(_all(api, createdDate="2000-01-01")) == len(_all(api))
