"""Rules that hold on every route: keys, unknown slugs, path and query spelling, paging, CORS."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt
import pytest

from mock_server.auth import mint_static_key
from mock_server.timezones import to_ticks

from ..conftest import ADMIN, SMALL_SLUG, Api
from .routes import ORG_ROUTES, PAGED_ROUTES, ROUTES


def identities(body: Any) -> Any:
    """Return what identifies a response's records, leaving out fields that follow the clock."""
    records = body.get("items", [body]) if isinstance(body, dict) else body
    return [(r.get("id"), r.get("groupId"), r.get("staffId"), r.get("dateAsInt")) for r in records]


ALL_ROUTES = pytest.mark.parametrize("path", ROUTES.values(), ids=ROUTES.keys())
DEFAULT_SECRET = "synergy-mock-local-signing-secret"


def _claims_key(secret: str = DEFAULT_SECRET, **changes: Any) -> str:
    claims = {
        "email": ADMIN,
        "applicationid": 0,
        "username": "alex.admin",
        "tenant": "",
        "code_expires": to_ticks(dt.datetime(2099, 1, 1)),
        "user_type": "1",
    }
    claims.update(changes)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret, "HS256")


BAD_KEYS = {
    "missing": None,
    "empty": "",
    "malformed": "not-a-jwt",
    "garbage_segments": "aaa.bbb.ccc",
    "bad_signature": _claims_key(secret="a-different-secret-of-32-bytes-or-more"),
    "expired": mint_static_key(
        ADMIN, "alex.admin", "1", dt.datetime(2020, 1, 1), 1, DEFAULT_SECRET
    )[0],
    "unknown_user": _claims_key(email="nobody@testorg.example"),
    "unregistered": _claims_key(),
    "missing_claim": _claims_key(code_expires=None),
    "wrong_claim_type": _claims_key(code_expires="soon"),
    "unsigned": jwt.encode({"email": ADMIN}, None, algorithm="none"),
}


@ALL_ROUTES
@pytest.mark.parametrize("bad_key", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_bad_key_gets_401(api: Api, path: str, bad_key: str | None) -> None:
    response = api.get(path, key=bad_key)
    assert response.status_code == 401
    assert response.get_json() == {"message": "Authorization has been denied for this request."}
    assert response.headers["X-Synergy-Mock-Auth-Error"]


@ALL_ROUTES
def test_valid_key_gets_200(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


@ALL_ROUTES
def test_bearer_header_alone_gets_401(api: Api, path: str) -> None:
    response = api.get(path, key=None, headers={"Authorization": f"Bearer {api.key}"})
    assert response.status_code == 401


@ALL_ROUTES
def test_bearer_accepted_when_enabled(make_app: Any, keys: dict[str, str], path: str) -> None:
    client = make_app(accept_bearer=True).test_client()
    response = client.get(path, headers={"Authorization": f"Bearer {keys[ADMIN]}"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ORG_ROUTES.values(), ids=ORG_ROUTES.keys())
def test_unknown_slug_gets_404(api: Api, path: str) -> None:
    response = api.get(path.format(slug="no-such-org"))
    assert response.status_code == 404
    assert response.get_json() == {"message": "Organisation 'no-such-org' was not found."}


def test_unknown_slug_message_keeps_case(api: Api) -> None:
    response = api.get("/api/v2/Organisation/NoSuchOrg/Projects")
    assert response.get_json() == {"message": "Organisation 'NoSuchOrg' was not found."}


@pytest.mark.parametrize("path", ORG_ROUTES.values(), ids=ORG_ROUTES.keys())
def test_unknown_slug_without_key_gets_401(api: Api, path: str) -> None:
    assert api.get(path.format(slug="no-such-org"), key=None).status_code == 401


@pytest.mark.parametrize("path", ORG_ROUTES.values(), ids=ORG_ROUTES.keys())
def test_slug_matches_in_any_case(api: Api, path: str) -> None:
    assert api.get(path.format(slug=SMALL_SLUG.upper())).status_code == 200
    assert api.get(path.format(slug=SMALL_SLUG.lower())).status_code == 200


@pytest.mark.parametrize("path", ORG_ROUTES.values(), ids=ORG_ROUTES.keys())
def test_myslug_alias_reads_callers_organisation(api: Api, path: str) -> None:
    assert api.get(path.format(slug="MySlug")).status_code == 200


@pytest.mark.parametrize("path", ORG_ROUTES.values(), ids=ORG_ROUTES.keys())
def test_myslug_alias_can_be_switched_off(make_app: Any, keys: dict[str, str], path: str) -> None:
    api = Api(make_app(myslug_alias=False).test_client(), keys[ADMIN])
    assert api.get(path.format(slug="MySlug")).status_code == 404


@pytest.mark.parametrize("path", ORG_ROUTES.values(), ids=ORG_ROUTES.keys())
def test_accept_any_slug_maps_to_default(make_app: Any, keys: dict[str, str], path: str) -> None:
    api = Api(make_app(accept_any_slug=True).test_client(), keys[ADMIN])
    assert api.get(path.format(slug="hardcodedslug")).status_code == 200


@ALL_ROUTES
def test_path_case_is_ignored(api: Api, path: str) -> None:
    route, _, query = path.partition("?")
    for spelled in (route.upper().replace("/API/V2", "/api/v2"), route.lower(), route.swapcase()):
        response = api.get(f"{spelled}?{query}" if query else spelled)
        assert response.status_code == 200, spelled


@ALL_ROUTES
def test_trailing_slash_is_optional(api: Api, path: str) -> None:
    route, _, query = path.partition("?")
    with_slash = f"{route}/?{query}" if query else f"{route}/"
    response = api.get(with_slash)
    assert response.status_code == 200
    assert identities(response.get_json()) == identities(api.get(path).get_json())


@pytest.mark.parametrize("path", PAGED_ROUTES.values(), ids=PAGED_ROUTES.keys())
def test_page_envelope_shape(api: Api, path: str) -> None:
    body = api.get(path).get_json()
    expected = ["totalItems", "items", "currentPage", "pageSize", "totalPages", "hasNext"]
    if path.endswith("/Contacts"):
        expected.insert(1, "criteria")
        assert body["criteria"] is None
    assert list(body) == expected
    assert body["currentPage"] == 1
    assert body["pageSize"] == 10


@pytest.mark.parametrize("path", PAGED_ROUTES.values(), ids=PAGED_ROUTES.keys())
@pytest.mark.parametrize(
    "page_key",
    ["page", "pageNumber", "currentPage", "criteria.pageNumber", "CRITERIA.PAGE", "PageNumber"],
)
def test_page_parameter_spellings(api: Api, path: str, page_key: str) -> None:
    first = api.get(path, query_string={"pageSize": 1}).get_json()
    second = api.get(path, query_string={"criteria.pageSize": 1, page_key: 2}).get_json()
    assert second["currentPage"] == 2
    assert second["pageSize"] == 1
    assert second["totalItems"] == first["totalItems"]
    if first["totalItems"] >= 2:
        assert identities(second) != identities(first)


@pytest.mark.parametrize("path", PAGED_ROUTES.values(), ids=PAGED_ROUTES.keys())
def test_page_zero_reads_as_one(api: Api, path: str) -> None:
    zero = api.get(path, query_string={"page": 0}).get_json()
    first_page = api.get(path, query_string={"page": 1}).get_json()
    assert zero["currentPage"] == 1
    assert identities(zero) == identities(first_page)


@pytest.mark.parametrize("path", PAGED_ROUTES.values(), ids=PAGED_ROUTES.keys())
def test_page_past_end_is_empty_with_totals(api: Api, path: str) -> None:
    body = api.get(path, query_string={"page": 999, "pageSize": 5}).get_json()
    assert body["items"] == []
    assert body["currentPage"] == 999
    assert body["totalItems"] > 0
    assert body["totalPages"] == -(-body["totalItems"] // 5)
    assert body["hasNext"] is False


@pytest.mark.parametrize("path", PAGED_ROUTES.values(), ids=PAGED_ROUTES.keys())
def test_page_size_is_capped_at_1000(api: Api, path: str) -> None:
    body = api.get(path, query_string={"pageSize": 5000}).get_json()
    assert body["pageSize"] == 1000
    assert len(body["items"]) == min(body["totalItems"], 1000)


@pytest.mark.parametrize("path", PAGED_ROUTES.values(), ids=PAGED_ROUTES.keys())
def test_has_next_and_total_pages(api: Api, path: str) -> None:
    body = api.get(path, query_string={"pageSize": 1}).get_json()
    assert body["totalPages"] == body["totalItems"]
    assert body["hasNext"] is (body["totalItems"] > 1)


@pytest.mark.parametrize("path", PAGED_ROUTES.values(), ids=PAGED_ROUTES.keys())
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pageSize": "abc"}, "pageSize"),
        ({"pageSize": "-1"}, "pageSize"),
        ({"pageSize": "0"}, "pageSize"),
        ({"criteria.pageSize": "1.5"}, "pageSize"),
        ({"page": "-1"}, "page"),
        ({"pageNumber": "two"}, "pageNumber"),
        ({"currentPage": ""}, "currentPage"),
    ],
)
def test_bad_paging_value_gets_400(api: Api, path: str, params: dict[str, str], field: str) -> None:
    response = api.get(path, query_string=params)
    assert response.status_code == 400
    body = response.get_json()
    assert body["message"] == "The request is invalid."
    assert list(body["modelState"]) == [field]
    assert repr(next(iter(params.values())))[1:-1] in body["modelState"][field][0]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (ROUTES["projects"], {"UpdatedDate": "yesterday"}, "UpdatedDate"),
        (ROUTES["projects"], {"createdDate": "2025-13-01"}, "CreatedDate"),
        (ROUTES["projects"], {"StatusTypeId": "x"}, "StatusTypeId"),
        (ROUTES["projects"], {"isActive": "maybe"}, "isActive"),
        (ROUTES["projects"], {"IncludeCustomFields": "yes"}, "IncludeCustomFields"),
        (ROUTES["contacts"], {"ShowStaff": "nope"}, "ShowStaff"),
        (ROUTES["contacts"], {"MinSecurityLevel": "high"}, "MinSecurityLevel"),
        (ROUTES["contacts"], {"UpdatedDate": "03/07/2025"}, "UpdatedDate"),
        (ROUTES["contacts"], {"UpdatedDate": "2025-01-01T10"}, "UpdatedDate"),
        (ROUTES["contacts"], {"UpdatedDate": "20250101T000000"}, "UpdatedDate"),
        (ROUTES["contacts"], {"CreatedDate": "2025-01-01T00:00"}, "CreatedDate"),
        (ROUTES["staff"], {"CanBeAManager": "2"}, "CanBeAManager"),
        (ROUTES["staff"], {"UpdatedDate": "2025-02-30"}, "UpdatedDate"),
        (ROUTES["invoices"], {"ProjectId": "abc"}, "ProjectId"),
        (ROUTES["timers"], {"OrganisationId": "one"}, "OrganisationId"),
    ],
)
def test_bad_filter_value_gets_400(api: Api, path: str, params: dict[str, str], field: str) -> None:
    response = api.get(path, query_string=params)
    assert response.status_code == 400
    assert list(response.get_json()["modelState"]) == [field]


@pytest.mark.parametrize("path", ROUTES.values(), ids=ROUTES.keys())
def test_unknown_query_keys_are_ignored(api: Api, path: str) -> None:
    separator = "&" if "?" in path else "?"
    assert api.get(f"{path}{separator}somethingElse=1&criteria.other=x").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/nothing",
        "/api/v2/Organisation/testOrg/Leave",
        "/api/v2/Organisation/testOrg/Projects/20001/Notes",
        "/api/v2/Organisation/testOrg/Projects/not-a-number",
        "/api/v3/Organisation",
    ],
)
def test_unknown_route_gets_404_in_api_shape(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    message = response.get_json()["message"]
    assert message.startswith("No HTTP resource was found that matches the request URI")
    assert path in message


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (f"{ROUTES['projects']}/999999", "Project 999999 was not found."),
        (f"{ROUTES['contacts']}/999999", "Contact 999999 was not found."),
        (
            f"{ROUTES['organisation']}/Timesheet/Week?DateAsInt=20250303&ContactId=999999",
            "Staff member 999999 was not found.",
        ),
    ],
)
def test_unknown_id_gets_404(api: Api, path: str, message: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response.get_json() == {"message": message}


@pytest.mark.parametrize("path", ROUTES.values(), ids=ROUTES.keys())
def test_preflight_is_open_without_key(api: Api, path: str) -> None:
    response = api.request(
        "OPTIONS",
        path,
        headers={
            "Origin": "https://addin.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "access-token, x-custom",
            "access-token": "",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    allowed = response.headers["Access-Control-Allow-Headers"].split(", ")
    assert {"access-token", "content-type", "accept", "x-custom"} <= set(allowed)
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST, PUT, DELETE, OPTIONS"
    assert "Content-Type" not in response.headers
    assert response.get_data() == b""


@pytest.mark.parametrize("path", ROUTES.values(), ids=ROUTES.keys())
def test_every_response_allows_any_origin(api: Api, path: str) -> None:
    assert api.get(path).headers["Access-Control-Allow-Origin"] == "*"
    assert api.get(path, key=None).headers["Access-Control-Allow-Origin"] == "*"
    assert api.get(path + "/nothing-here").headers["Access-Control-Allow-Origin"] == "*"


def test_cors_off_sends_no_headers_and_rejects_preflight(
    make_app: Any, keys: dict[str, str]
) -> None:
    api = Api(make_app(cors_mode="off").test_client(), keys[ADMIN])
    assert "Access-Control-Allow-Origin" not in api.get(ROUTES["projects"]).headers
    preflight = api.request(
        "OPTIONS", ROUTES["projects"], headers={"Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 405


def test_error_key_added_when_enabled(make_app: Any, keys: dict[str, str]) -> None:
    api = Api(make_app(error_include_error_key=True).test_client(), keys[ADMIN])
    body = api.get("/api/v2/Organisation/nowhere/Projects").get_json()
    assert body == {
        "message": "Organisation 'nowhere' was not found.",
        "error": "Organisation 'nowhere' was not found.",
    }


def test_wrong_method_gets_405_in_api_shape(api: Api) -> None:
    response = api.request("DELETE", ROUTES["staff"])
    assert response.status_code == 405
    assert response.get_json() == {
        "message": "The requested resource does not support http method 'DELETE'."
    }


@pytest.mark.parametrize(
    "value",
    [
        "2025-01-01",
        "2025-01-01T00:00:00",
        "2025-01-01T00:00:00Z",
        "2025-01-01T00:00:00.1234567Z",
        "2025-01-01T10:00:00+10:00",
    ],
)
def test_accepted_date_filter_forms(api: Api, value: str) -> None:
    assert api.get(ROUTES["contacts"], query_string={"UpdatedDate": value}).status_code == 200


@pytest.mark.parametrize("path", PAGED_ROUTES.values(), ids=PAGED_ROUTES.keys())
def test_zero_based_paging_setting(make_app: Any, keys: dict[str, str], path: str) -> None:
    api = Api(make_app(page_base=0).test_client(), keys[ADMIN])
    first = api.get(path, query_string={"pageSize": 1}).get_json()
    zero = api.get(path, query_string={"pageSize": 1, "page": 0}).get_json()
    second_page = api.get(path, query_string={"pageSize": 1, "page": 1}).get_json()
    assert first["currentPage"] == 0
    assert zero["currentPage"] == 0
    assert second_page["currentPage"] == 1
    assert identities(zero) == identities(first)
    if first["totalItems"] >= 2:
        assert identities(second_page) != identities(zero)
        assert second_page["hasNext"] is (first["totalItems"] > 2)
