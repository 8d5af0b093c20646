"""Static keys: their claims, lifetimes and the settings around them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt
import pytest

from mock_server.auth import add_years, mint_static_key
from mock_server.timezones import from_ticks, to_ticks

from .conftest import ADMIN, Api


def test_seeded_key_carries_real_claims(keys: dict[str, str]) -> None:
    token = keys[ADMIN]
    assert jwt.get_unverified_header(token) == {"typ": "JWT", "alg": "HS256"}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert list(claims) == [
        "email",
        "applicationid",
        "username",
        "tenant",
        "code_expires",
        "user_type",
    ]
    assert claims["email"] == ADMIN
    assert claims["applicationid"] == 0
    assert claims["tenant"] == ""
    assert claims["user_type"] == "1"
    # The small scenario starts on 2025-03-07 09:00 Sydney time; the admin's key lasts 3 years.
    assert from_ticks(claims["code_expires"]) == dt.datetime(2028, 3, 6, 22, 0)


def test_ticks_match_dotnet_epoch() -> None:
    assert to_ticks(dt.datetime(1970, 1, 1)) == 621355968000000000
    assert from_ticks(to_ticks(dt.datetime(2025, 3, 7, 1, 2, 3))) == dt.datetime(
        2025, 3, 7, 1, 2, 3
    )


@pytest.mark.parametrize(("years", "expected"), [(1, 2026), (3, 2028)])
def test_key_lifetimes(years: int, expected: int) -> None:
    token, ticks = mint_static_key(
        "a@b.example", "a", "2", dt.datetime(2025, 3, 7), years, "s" * 32
    )
    assert from_ticks(ticks) == dt.datetime(expected, 3, 7)
    assert jwt.decode(token, "s" * 32, algorithms=["HS256"])["code_expires"] == ticks


def test_leap_day_rolls_to_28th() -> None:
    assert add_years(dt.datetime(2024, 2, 29), 1) == dt.datetime(2025, 2, 28)


def test_other_secret_rejects_seeded_keys(make_app: Any, keys: dict[str, str]) -> None:
    api = Api(make_app(secret_key="x" * 40).test_client(), keys[ADMIN])
    response = api.get("/api/v2/Organisation")
    assert response.status_code == 401
    assert response.headers["X-Synergy-Mock-Auth-Error"] == "bad key signature"


def test_expired_key_reason(api: Api) -> None:
    token, _ = mint_static_key(
        ADMIN, "alex.admin", "1", dt.datetime(2020, 1, 1), 1, "synergy-mock-local-signing-secret"
    )
    response = api.get("/api/v2/Organisation", key=token)
    assert response.status_code == 401
    assert response.headers["X-Synergy-Mock-Auth-Error"] == "key expired"
