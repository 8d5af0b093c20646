"""The OAuth flow over HTTP: Authorize, GetAccessToken, RefreshAccessToken and every error."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from flask.testing import FlaskClient

from mock_server import create_app

from .conftest import seed_file

APP_KEY = "testorg-app-public-key"
SECRET = "testorg-app-private-key-do-not-share"
CALLBACK = "http://127.0.0.1:8000/AuthenticationResponse"
STAFF = "/api/v2/Organisation/testOrg/Staff"


@pytest.fixture
def client(tmp_path: Path) -> Any:
    url = seed_file(tmp_path / "oauth.db", "small")
    app = create_app({"database_url": url})
    yield app.test_client()
    app.extensions["synergy_mock"].store.dispose()


def _authorize(client: FlaskClient, **overrides: str) -> Any:
    form = {
        "ApplicationKey": APP_KEY,
        "RedirectUri": CALLBACK,
        "tenant": "",
        "state": "s-1",
        "email": "sam.standard@testorg.example",
        "password": "synergy",
        "decision": "approve",
        **overrides,
    }
    return client.post("/OAuth2/Authorize", data=form)


def _code(client: FlaskClient) -> str:
    location = _authorize(client).headers["Location"]
    code: str = parse_qs(urlsplit(location).query)["code"][0]
    return code


def _exchange(client: FlaskClient, authorisation_code: str, **overrides: str) -> Any:
    body = {
        "applicationKey": APP_KEY,
        "ApplicationSecret": SECRET,
        "code": authorisation_code,
        "grant_type": "authorization_code",
        **overrides,
    }
    return client.post("/api/v2/Oauth2/GetAccessToken", data=body)


def test_authorize_page_lists_test_users(client: FlaskClient) -> None:
    page = client.get(
        f"/oauth2/authorize?ApplicationKey={APP_KEY}&RedirectUri={CALLBACK}"
        "&tenant=&state=abc&simple=true"
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Test Organisation Connector" in html
    assert "sam.standard@testorg.example" in html
    assert "<script" not in html
    assert 'name="state" value="abc"' in html


def test_approve_redirects_with_code_and_state(client: FlaskClient) -> None:
    response = _authorize(client, extra="kept")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    assert query["state"] == ["s-1"]
    assert query["extra"] == ["kept"]
    assert len(query["code"][0]) > 20
    assert "tenant" not in query


def test_deny_redirects_with_error(client: FlaskClient) -> None:
    response = _authorize(client, decision="deny")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert "code" not in query


def test_desktop_redirect_is_allowed(client: FlaskClient) -> None:
    response = _authorize(client, RedirectUri="https://desktop")
    assert response.headers["Location"].startswith("https://desktop?code=")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"ApplicationKey=nope&RedirectUri={CALLBACK}", "No application has the key"),
        (f"ApplicationKey={APP_KEY}&RedirectUri=https://evil.example/cb", "does not match"),
        (f"ApplicationKey={APP_KEY}", "RedirectUri is missing"),
        (f"RedirectUri={CALLBACK}", "ApplicationKey is missing"),
    ],
)
def test_bad_authorize_request_never_redirects(
    client: FlaskClient, query: str, message: str
) -> None:
    form = {**dict(parse_qsl(query)), "decision": "approve"}
    for response in (
        client.get(f"/OAuth2/Authorize?{query}"),
        client.post("/OAuth2/Authorize", data=form),
    ):
        assert response.status_code == 400
        assert "Location" not in response.headers
        assert message in response.get_data(as_text=True)


def test_wrong_password_shows_form_again(client: FlaskClient) -> None:
    response = _authorize(client, password="wrong")
    assert response.status_code == 401
    assert "Location" not in response.headers
    assert "password is incorrect" in response.get_data(as_text=True)


def test_foreign_user_refused_by_unapproved_app(tmp_path: Path) -> None:
    url = seed_file(tmp_path / "multi.db", "multi-org")
    app = create_app({"database_url": url})
    client = app.test_client()
    response = client.post(
        "/OAuth2/Authorize",
        data={
            "ApplicationKey": "northwind-app-public-key",
            "RedirectUri": "https://desktop",
            "email": "sam.standard@fabrikam.example",
            "password": "synergy",
            "decision": "approve",
        },
    )
    assert response.status_code == 403
    assert "only users of its own organisation" in response.get_data(as_text=True)
    app.extensions["synergy_mock"].store.dispose()


def test_full_flow_with_expiry_and_refresh(client: FlaskClient) -> None:
    tokens = _exchange(client, _code(client), RedirectUri=CALLBACK).get_json()
    assert set(tokens) == {"accessToken", "refreshToken", "expiresIn", "expiryDate"}
    assert tokens["expiresIn"] == 3600
    assert client.get(STAFF, headers={"access-token": tokens["accessToken"]}).status_code == 200

    client.post("/_mock/clock", json={"advance_seconds": 3601, "organisation": "testOrg"})
    expired = client.get(STAFF, headers={"access-token": tokens["accessToken"]})
    assert expired.status_code == 401

    refreshed = client.post(
        "/api/v2/OAuth2/RefreshAccessToken",
        json={
            "APPLICATIONKEY": APP_KEY,
            "applicationsecret": SECRET,
            "refreshToken": tokens["refreshToken"],
            "grant_type": "authorization_code",
        },
    )
    assert refreshed.status_code == 200
    fresh = refreshed.get_json()
    assert fresh["refreshToken"] != tokens["refreshToken"]
    assert client.get(STAFF, headers={"access-token": fresh["accessToken"]}).status_code == 200

    reused = client.post(
        "/api/v2/oauth2/refreshaccesstoken",
        data={
            "applicationKey": APP_KEY,
            "ApplicationSecret": SECRET,
            "refreshToken": tokens["refreshToken"],
            "grant_type": "refresh_token",
        },
    )
    assert reused.status_code == 400
    assert "revoked" in reused.get_json()["message"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ApplicationSecret": "wrong-secret"}, "ApplicationSecret is wrong"),
        ({"ApplicationSecret": ""}, "ApplicationSecret is missing"),
        ({"applicationKey": "nope"}, "No application has the key"),
        ({"grant_type": "password"}, "grant_type must be authorization_code"),
        ({"code": ""}, "code is missing"),
        ({"code": "made-up"}, "unknown or was issued to another application"),
        ({"RedirectUri": "https://desktop"}, "does not match the one sent to Authorize"),
    ],
)
def test_bad_exchange_issues_nothing(
    client: FlaskClient, overrides: dict[str, str], message: str
) -> None:
    code = _code(client)
    response = _exchange(client, code, **overrides)
    assert response.status_code == 400
    assert message in response.get_json()["message"]
    # The code was not spent by the failed attempt.
    assert _exchange(client, code).status_code == 200


def test_code_is_single_use_and_expires(client: FlaskClient) -> None:
    code = _code(client)
    assert _exchange(client, code).status_code == 200
    assert "already been used" in _exchange(client, code).get_json()["message"]

    late = _code(client)
    client.post("/_mock/clock", json={"advance_seconds": 601, "organisation": "testOrg"})
    assert "has expired" in _exchange(client, late).get_json()["message"]


def test_required_redirect_uri_setting(tmp_path: Path) -> None:
    url = seed_file(tmp_path / "strict.db", "small")
    app = create_app({"database_url": url, "require_redirect_uri": True})
    client = app.test_client()
    code = _code(client)
    assert "RedirectUri is missing" in _exchange(client, code).get_json()["message"]
    assert _exchange(client, code, RedirectUri=CALLBACK).status_code == 200
    app.extensions["synergy_mock"].store.dispose()


def test_control_plane_approve_and_applications(client: FlaskClient) -> None:
    listed = client.get("/_mock/applications").get_json()["applications"]
    assert [a["applicationKey"] for a in listed] == [APP_KEY]
    approved = client.post(
        "/_mock/oauth/approve",
        json={"applicationKey": APP_KEY, "email": "alex.admin@testorg.example", "state": "z"},
    ).get_json()
    assert approved["redirect"].startswith(f"{CALLBACK}?code=")
    assert approved["redirect"].endswith("&state=z")
    assert _exchange(client, approved["code"]).status_code == 200

    created = client.post(
        "/_mock/applications",
        json={
            "name": "Another",
            "organisation": "testOrg",
            "callbackUrl": "https://desktop",
            "approved": True,
            "public": True,
        },
    ).get_json()
    assert len(created["applicationKey"]) == 32
    duplicate = client.post(
        "/_mock/applications",
        json={
            "name": "Again",
            "organisation": "testOrg",
            "callbackUrl": "https://desktop",
            "applicationKey": created["applicationKey"],
        },
    )
    assert duplicate.status_code == 409
    missing = client.post("/_mock/applications", json={"name": "X"})
    assert missing.status_code == 400
    unknown_user = client.post(
        "/_mock/oauth/approve", json={"applicationKey": APP_KEY, "email": "ghost@x.example"}
    )
    assert unknown_user.status_code == 404


def test_static_key_cannot_pose_as_access_token(client: FlaskClient) -> None:
    tokens = _exchange(client, _code(client)).get_json()
    assert client.get(STAFF, headers={"access-token": tokens["accessToken"]}).status_code == 200
    client.post("/_mock/reset")
    after_reset = client.get(STAFF, headers={"access-token": tokens["accessToken"]})
    assert after_reset.status_code == 401


def test_oversized_body_gets_413(client: FlaskClient) -> None:
    response = client.post(
        "/api/v2/Oauth2/GetAccessToken", data={"applicationKey": "x" * 2_000_000}
    )
    assert response.status_code == 413
    assert "larger than the limit of 1048576 bytes" in response.get_json()["message"]


def test_malformed_json_is_read_as_empty(client: FlaskClient) -> None:
    response = client.post(
        "/api/v2/Oauth2/GetAccessToken", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json() == {"message": "ApplicationKey is missing."}


def test_oversized_body_is_journaled(client: FlaskClient) -> None:
    client.post("/api/v2/Oauth2/GetAccessToken", data={"applicationKey": "x" * 2_000_000})
    entries = client.get("/_mock/journal").get_json()["requests"]
    assert [(e["status"], e["body"]) for e in entries] == [(413, None)]


def test_written_parameters_are_not_passed_through(client: FlaskClient) -> None:
    response = _authorize(client, code="ATTACKER", error="access_denied", state="s-2")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert len(query["code"]) == 1
    assert query["code"][0] != "ATTACKER"
    assert "error" not in query
    assert query["state"] == ["s-2"]
    denied = parse_qs(
        urlsplit(_authorize(client, decision="deny", code="EVIL").headers["Location"]).query
    )
    assert "code" not in denied


def test_too_many_parameters_rejected(client: FlaskClient) -> None:
    extra = {f"f{i}": "v" for i in range(51)}
    response = _authorize(client, **extra)
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_login_page_cannot_be_framed(client: FlaskClient) -> None:
    page = client.get(f"/OAuth2/Authorize?ApplicationKey={APP_KEY}&RedirectUri={CALLBACK}")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_racing_exchanges_spend_code_once(tmp_path: Path) -> None:
    import threading

    url = seed_file(tmp_path / "race.db", "small")
    app = create_app({"database_url": url})
    code = _code(app.test_client())
    statuses: list[int] = []

    def exchange() -> None:
        statuses.append(_exchange(app.test_client(), code).status_code)

    threads = [threading.Thread(target=exchange) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    app.extensions["synergy_mock"].store.dispose()
    assert sorted(statuses) == [200] + [400] * 7


@pytest.mark.parametrize(
    "data",
    ['{"applicationKey": "x' + '\\ud800"}', '{"code": ' + "[" * 5000 + "]" * 5000 + "}"],
)
def test_unusable_token_body_is_rejected(client: FlaskClient, data: str) -> None:
    response = client.post(
        "/api/v2/Oauth2/GetAccessToken", data=data, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["message"]
