"""GET Organisation/{Slug}/Timesheet/Week."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import RESTRICTED, Api
from .routes import ADMIN_STAFF_ID, ORG

WEEK = f"{ORG}/Timesheet/Week"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEK_FIELDS = [
    "hasPrimaryRate",
    "staffId",
    "staff",
    "dateAsInt",
    "nextDateAsInt",
    "previousDateAsInt",
    "dateDisplay",
    "date",
    "hasOvertimeRates",
    "defaultOvertimeId",
    "defaultOvertime",
    "time",
    "cash",
]


def _week(api: Api, query: str) -> dict[str, Any]:
    response = api.get(f"{WEEK}?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def test_dashboard_request_shape(api: Api) -> None:
    # The exact query a real dashboard sends, trailing slash and parameter order included.
    response = api.get(
        f"{WEEK}/?includeCustomFields=true&criteria.id={ADMIN_STAFF_ID}&DateAsInt=20250228"
    )
    assert response.status_code == 200
    week = response.get_json()
    assert list(week) == WEEK_FIELDS
    assert week["time"]
    for row in week["time"]:
        assert isinstance(row["project"], str) and row["project"]
        assert isinstance(row["stage"], str) and row["stage"]
        for day in DAYS:
            assert isinstance(row[day], int | float)


@pytest.mark.parametrize("day", ["20250224", "20250226", "20250228", "20250302"])
def test_any_weekday_gives_its_monday(api: Api, day: str) -> None:
    week = _week(api, f"DateAsInt={day}&ContactId={ADMIN_STAFF_ID}")
    assert week["dateAsInt"] == 20250224
    assert week["nextDateAsInt"] == 20250303
    assert week["previousDateAsInt"] == 20250217
    assert week["dateDisplay"] == "Mon 24, Feb 2025"
    assert week["date"] == "2025-02-24T00:00:00"


@pytest.mark.parametrize(
    "who",
    [
        f"ContactId={ADMIN_STAFF_ID}",
        f"Id={ADMIN_STAFF_ID}",
        f"criteria.id={ADMIN_STAFF_ID}",
        f"CRITERIA.CONTACTID={ADMIN_STAFF_ID}",
        "",
    ],
)
def test_staff_aliases_and_caller_default(api: Api, who: str) -> None:
    week = _week(api, f"Date=20250228&{who}")
    assert week["staffId"] == ADMIN_STAFF_ID
    assert week["staff"] == "Alex Admin"


def test_other_staff_member(api: Api) -> None:
    staff = api.get(f"{ORG}/Staff").get_json()
    other = staff[3]["id"]
    week = _week(api, f"DateAsInt=20250303&ContactId={other}")
    assert week["staffId"] == other


def test_empty_week_has_empty_time(api: Api) -> None:
    week = _week(api, f"DateAsInt=20200106&ContactId={ADMIN_STAFF_ID}")
    assert week["time"] == []
    assert week["cash"] == []


def test_row_fields_and_flags(api: Api) -> None:
    row = _week(api, f"DateAsInt=20250228&ContactId={ADMIN_STAFF_ID}")["time"][0]
    for name in (
        "groupId",
        "projectId",
        "projectNumber",
        "stageId",
        "phase",
        "taskId",
        "rateId",
        "rate",
        "rateTypeId",
        "rateType",
        "rateDisplayValue",
        "overtimeId",
        "overtime",
        "note",
        "locked",
        "statusId",
        "status",
        "approvalNote",
        "error",
        "canChange",
        "monCanChange",
        "sunCanChangeMessage",
        "timerIds",
    ):
        assert name in row
    assert row["canChange"] is (not row["locked"])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"ContactId={ADMIN_STAFF_ID}", "DateAsInt"),
        ("DateAsInt=2025-02-28", "DateAsInt"),
        ("DateAsInt=20250230", "DateAsInt"),
        ("DateAsInt=abc", "DateAsInt"),
        ("Date=1", "Date"),
        ("DateAsInt=20250228&includeCustomFields=true&ContactId=", "ContactId"),
        ("DateAsInt=20250228&ContactId=x", "ContactId"),
    ],
)
def test_bad_week_input_gets_400(api: Api, query: str, field: str) -> None:
    response = api.get(f"{WEEK}?{query}")
    assert response.status_code == 400
    assert list(response.get_json()["modelState"]) == [field]


def test_restricted_user_reads_only_own_week(api: Api, keys: dict[str, str]) -> None:
    restricted = Api(api.client, keys[RESTRICTED])
    own = _week(restricted, "DateAsInt=20250303")
    assert own["staff"] == "Riley Restricted"
    other = restricted.get(f"{WEEK}?DateAsInt=20250303&ContactId={ADMIN_STAFF_ID}")
    assert other.status_code == 401


@pytest.mark.parametrize("value", ["true", "yes", "", "1"])
def test_include_custom_fields_is_ignored(api: Api, value: str) -> None:
    week = _week(api, f"includeCustomFields={value}&DateAsInt=20250228&ContactId={ADMIN_STAFF_ID}")
    assert week["staffId"] == ADMIN_STAFF_ID
    assert all("customFields" not in row for row in week["time"])
