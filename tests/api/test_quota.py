"""Daily quotas: counting, the over-quota reply, the midnight reset and the control routes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from mock_server import create_app, quota

from ..conftest import ADMIN, fixture_keys, seed_file
from .routes import ADMIN_STAFF_ID, C100_ID, ORG

PROJECTS = f"{ORG}/Projects"
TRANSACTIONS = f"{ORG}/Transactions"
QUOTA = "/_mock/quota/testOrg"
SYDNEY = ZoneInfo("Australia/Sydney")
TRANSACTION = {
    "staffId": ADMIN_STAFF_ID,
    "projectId": C100_ID,
    "stageId": 30001,
    "fromDateAsInt": 20250303,
    "units": 1,
}


def _used(client: Any) -> int:
    used: int = client.get(QUOTA).get_json()["used"]["calls"]
    return used


def _server_now(client: Any) -> dt.datetime:
    now = client.get("/_mock/clock", query_string={"organisation": "testOrg"}).get_json()["now"]
    return dt.datetime.fromisoformat(now.replace("Z", "+00:00"))


def test_every_call_counts_until_429(writer: Any) -> None:
    client, admin, _ = writer
    assert client.post(QUOTA, json={"remaining": 2}).status_code == 200
    assert client.get(PROJECTS, headers=admin).status_code == 200
    assert client.get(f"{PROJECTS}/999999", headers=admin).status_code == 404

    rejected = client.get(PROJECTS, headers=admin)
    assert rejected.status_code == 429
    message = rejected.get_json()["message"]
    assert message.startswith("API calls quota exceeded! maximum admitted 300 per Day.")
    midnight = dt.datetime(2025, 3, 8, tzinfo=SYDNEY)
    assert f"resets at {midnight.isoformat()}" in message
    seconds_left = (midnight - _server_now(client)).total_seconds()
    assert abs(int(rejected.headers["Retry-After"]) - seconds_left) <= 2
    assert rejected.headers["Access-Control-Allow-Origin"] == "*"
    assert _used(client) == 300


def test_rejected_call_has_no_effect(writer: Any) -> None:
    client, admin, _ = writer
    client.post(QUOTA, json={"exhaust": True})
    rejected = client.put(PROJECTS, json={"number": "Q 1", "name": "Quota"}, headers=admin)
    assert rejected.status_code == 429
    client.post(QUOTA, json={"reset": True})
    found = client.get(PROJECTS, headers=admin, query_string={"projectNumber": "Q 1"})
    assert found.get_json()["totalItems"] == 0
    journal = client.get("/_mock/journal", query_string={"method": "PUT"}).get_json()
    assert [r["status"] for r in journal["requests"]] == [429]


def test_quota_returns_after_midnight(writer: Any) -> None:
    client, admin, _ = writer
    client.post(QUOTA, json={"exhaust": True})
    assert client.get(PROJECTS, headers=admin).status_code == 429

    # 09:00 in Sydney on the scenario's start day; 23:59:30 is still the same quota day.
    client.post("/_mock/clock", json={"organisation": "testOrg", "set": "2025-03-07T12:59:30Z"})
    assert client.get(PROJECTS, headers=admin).status_code == 429
    client.post("/_mock/clock", json={"organisation": "testOrg", "advance_seconds": 31})
    assert client.get(PROJECTS, headers=admin).status_code == 200
    usage = client.get(QUOTA).get_json()
    assert (usage["day"], usage["used"]["calls"]) == ("2025-03-08", 1)


def test_transactions_have_their_own_limit(writer: Any) -> None:
    client, admin, _ = writer
    client.post(QUOTA, json={"transactions_remaining": 1})
    assert client.post(TRANSACTIONS, json=TRANSACTION, headers=admin).status_code == 200

    rejected = client.post(TRANSACTIONS, json=TRANSACTION, headers=admin)
    assert rejected.status_code == 429
    assert "maximum admitted 50 Transactions calls per Day" in rejected.get_json()["message"]
    assert client.get(TRANSACTIONS, headers=admin).status_code == 429
    assert client.get(PROJECTS, headers=admin).status_code == 200
    usage = client.get(QUOTA).get_json()
    # Refused calls are not counted.
    assert usage["used"] == {"calls": 2, "transactions": 50}
    listed = client.get("/_mock/journal", query_string={"path": "*/Transactions"}).get_json()
    assert [r["status"] for r in listed["requests"]] == [200, 429, 429]


def test_transactions_count_inside_the_daily_limit(writer: Any) -> None:
    client, admin, _ = writer
    client.post(QUOTA, json={"remaining": 1})
    assert client.post(TRANSACTIONS, json=TRANSACTION, headers=admin).status_code == 200
    rejected = client.post(TRANSACTIONS, json=TRANSACTION, headers=admin)
    assert "maximum admitted 300 per Day" in rejected.get_json()["message"]


def test_uncounted_calls(writer: Any) -> None:
    client, _, _ = writer
    before = _used(client)
    assert client.get(PROJECTS).status_code == 401
    assert client.get(PROJECTS, headers={"access-token": "not-a-key"}).status_code == 401
    preflight = client.options(PROJECTS, headers={"Origin": "https://app.example"})
    assert preflight.status_code == 204
    token = client.post("/api/v2/Oauth2/GetAccessToken", json={"applicationKey": "nope"})
    assert token.status_code == 400
    client.get("/_mock/journal")
    assert _used(client) == before


def test_control_routes_change_limits(writer: Any) -> None:
    client, admin, _ = writer
    usage = client.get(QUOTA).get_json()
    assert usage["limits"] == {"calls": 300, "transactions": 50}
    assert (usage["tier"], usage["enabled"], usage["timezone"]) == (
        "standard",
        True,
        "Australia/Sydney",
    )
    assert usage["remaining"] == {"calls": 300, "transactions": 50}

    premium = client.post(QUOTA, json={"tier": "premium"}).get_json()
    assert premium["limits"] == {"calls": 60000, "transactions": 20000}
    assert client.get(ORG, headers=admin).status_code == 200

    custom = client.post(QUOTA, json={"calls_limit": 5, "transactions_limit": 2}).get_json()
    assert custom["limits"] == {"calls": 5, "transactions": 2}
    assert custom["remaining"] == {"calls": 4, "transactions": 2}

    client.post(QUOTA, json={"exhaust": True, "enabled": False})
    assert client.get(PROJECTS, headers=admin).status_code == 200
    assert client.post(QUOTA, json={"enabled": True}).get_json()["remaining"]["calls"] == 0
    assert client.get(PROJECTS, headers=admin).status_code == 429
    assert client.post(QUOTA, json={"reset": True}).get_json()["used"]["calls"] == 0


def test_quota_for_every_organisation(tmp_path: Path) -> None:
    url = seed_file(tmp_path / "multi.db", "multi-org")
    client = create_app({"database_url": url}).test_client()
    quotas = client.get("/_mock/quota").get_json()["quotas"]
    assert {q["organisation"]: q["limits"]["calls"] for q in quotas} == {
        "fabrikam": 300,
        "northwind": 60000,
    }
    off = client.post("/_mock/quota", json={"enabled": False}).get_json()["quotas"]
    assert [q["enabled"] for q in off] == [False, False]

    keys = fixture_keys(url)
    headers = {"access-token": keys["alex.admin@fabrikam.example"]}
    client.get("/api/v2/Organisation/fabrikam/Projects", headers=headers)
    counted = {
        q["organisation"]: q["used"]["calls"]
        for q in client.get("/_mock/quota").get_json()["quotas"]
    }
    assert counted == {"fabrikam": 1, "northwind": 0}


@pytest.mark.parametrize(
    ("body", "member"),
    [
        ({"tier": "gold"}, "tier"),
        ({"remaining": -1}, "remaining"),
        ({"remaining": "5"}, "remaining"),
        ({"enabled": "no"}, "enabled"),
        ({"exhaust": "everything"}, "exhaust"),
        ({"limit": 5}, "limit"),
        ({"exhaust": 1}, "exhaust"),
        ({"calls_limit": 5, "remaining": 6}, "remaining"),
        ({"remaining": 2**70}, "remaining"),
    ],
)
def test_bad_quota_change_is_rejected(writer: Any, body: dict[str, Any], member: str) -> None:
    client, _, _ = writer
    before = client.get(QUOTA).get_json()
    response = client.post(QUOTA, json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_body"
    assert member in error["message"]
    assert client.get(QUOTA).get_json() == before


def test_unknown_organisation_quota_is_404(writer: Any) -> None:
    client, _, _ = writer
    assert client.get("/_mock/quota/nowhere").status_code == 404


@pytest.mark.parametrize(
    ("settings", "status", "reset_hour"),
    [({"quota_status": 403}, 403, 13), ({"quota_timezone": "UTC"}, 429, 0)],
)
def test_quota_settings(
    tmp_path: Path, settings: dict[str, Any], status: int, reset_hour: int
) -> None:
    url = seed_file(tmp_path / "s.db", "small")
    client = create_app({"database_url": url, **settings}).test_client()
    headers = {"access-token": fixture_keys(url)[ADMIN]}
    client.post(QUOTA, json={"exhaust": True})
    rejected = client.get(PROJECTS, headers=headers)
    assert rejected.status_code == status
    resets = dt.datetime.fromisoformat(client.get(QUOTA).get_json()["resetsAt"])
    assert resets.astimezone(dt.UTC).hour == reset_hour


def test_quota_counting_can_be_off(tmp_path: Path) -> None:
    url = seed_file(tmp_path / "s.db", "small")
    client = create_app({"database_url": url, "quota_enabled": False}).test_client()
    headers = {"access-token": fixture_keys(url)[ADMIN]}
    client.post(QUOTA, json={"exhaust": True})
    assert client.get(PROJECTS, headers=headers).status_code == 200
    assert client.get(QUOTA).get_json()["counting"] is False


def test_seeding_creates_quota_rows(tmp_path: Path) -> None:
    url = seed_file(tmp_path / "multi.db", "multi-org")
    store = create_app({"database_url": url}).extensions["synergy_mock"].store
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT calls_limit, transactions_limit, calls FROM quotas ORDER BY 1")
        ).all()
    assert [tuple(r) for r in rows] == [(300, 50, 0), (60000, 20000, 0)]


def test_missing_quota_row_is_created_on_first_call(writer: Any) -> None:
    client, admin, _ = writer
    engine = client.application.extensions["synergy_mock"].store.engine
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM quotas"))
    assert client.get(PROJECTS, headers=admin).status_code == 200
    with engine.connect() as connection:
        assert connection.execute(text("SELECT calls FROM quotas")).scalar_one() == 1


def test_zero_limit_next_day_is_429(writer: Any) -> None:
    client, admin, _ = writer
    client.post(QUOTA, json={"calls_limit": 0})
    assert client.get(PROJECTS, headers=admin).status_code == 429
    client.post("/_mock/clock", json={"organisation": "testOrg", "advance_seconds": 86400})
    assert client.get(PROJECTS, headers=admin).status_code == 429


def test_late_call_from_yesterday_counts_today(writer: Any) -> None:
    """A call that read the clock before midnight but counts after it cannot reset the day."""
    client, _, _ = writer
    engine = client.application.extensions["synergy_mock"].store.engine
    before, after = (
        quota.window(dt.datetime(2025, 3, 7, 12, 59, 59), "Australia/Sydney"),
        quota.window(dt.datetime(2025, 3, 7, 13, 0, 1), "Australia/Sydney"),
    )
    with engine.connect() as connection:
        assert quota.spend(connection, 1, transaction=False, today=after) is None
        assert quota.spend(connection, 1, transaction=False, today=before) is None
    with engine.connect() as connection:
        row = connection.execute(text("SELECT day, calls FROM quotas")).one()
    assert tuple(row) == ("2025-03-08", 2)


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        # Sydney's clocks go forward an hour on 5 October 2025 and back on 6 April 2025.
        (dt.datetime(2025, 10, 4, 14, 30), 81000),
        (dt.datetime(2025, 4, 5, 13, 30), 88200),
        (dt.datetime(2025, 3, 7, 13, 0), 86400),
    ],
)
def test_retry_after_across_daylight_saving(now: dt.datetime, seconds: int) -> None:
    assert quota.window(now, "Australia/Sydney").seconds_left == seconds


def test_clock_moved_back_starts_a_fresh_day(writer: Any) -> None:
    client, admin, _ = writer
    client.post(QUOTA, json={"calls_limit": 2})
    client.post("/_mock/clock", json={"organisation": "testOrg", "set": "2025-03-12T01:00:00Z"})
    assert client.get(PROJECTS, headers=admin).status_code == 200
    assert client.get(PROJECTS, headers=admin).status_code == 200
    assert client.get(PROJECTS, headers=admin).status_code == 429
    client.post("/_mock/clock", json={"organisation": "testOrg", "set": "2025-03-07T01:00:00Z"})
    assert client.get(PROJECTS, headers=admin).status_code == 200
    assert client.get(QUOTA).get_json()["used"]["calls"] == 1
