"""GET Timers (not organisation-scoped) and the Organisation routes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from mock_server.timezones import utc_to_local

from ..conftest import STANDARD, Api, fixture_keys, items
from .routes import ROUTES

TIMER_FIELDS = [
    "id",
    "startDate",
    "endDate",
    "userName",
    "text",
    "isRunning",
    "groupId",
    "duration",
    "durationDisplay",
    "details",
    "organisationId",
    "organisationName",
    "organisationSlug",
    "projectId",
    "stageId",
    "taskId",
    "projectName",
    "stageName",
    "taskName",
    "isToday",
]
UTC_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z")


def test_timers_envelope_and_fields(api: Api) -> None:
    timers = items(api.get(ROUTES["timers"]))
    assert timers
    assert list(timers[0]) == TIMER_FIELDS
    for timer in timers:
        assert timer["id"] is None
        assert UTC_Z.fullmatch(timer["startDate"])
        assert timer["endDate"] is None or UTC_Z.fullmatch(timer["endDate"])
        assert timer["userName"] == "alex.admin"
        assert timer["organisationSlug"] == "testOrg"
        assert isinstance(timer["projectId"], int)


def test_running_timers_come_first(api: Api) -> None:
    timers = items(api.get(ROUTES["timers"]))
    running = [t["isRunning"] for t in timers]
    assert running == sorted(running, reverse=True)
    assert running[0] is True
    assert all(t["endDate"] is None for t in timers if t["isRunning"])
    assert all(t["endDate"] is not None for t in timers if not t["isRunning"])


def test_timers_belong_to_caller(api: Api, keys: dict[str, str]) -> None:
    mine = {t["groupId"] for t in items(api.get(ROUTES["timers"]))}
    theirs = {t["groupId"] for t in items(Api(api.client, keys[STANDARD]).get(ROUTES["timers"]))}
    assert mine
    assert theirs
    assert not mine & theirs


def test_timers_vendor_paging(make_app: Any, keys: dict[str, str]) -> None:
    api = Api(make_app(timers_vendor_paging=True).test_client(), keys["alex.admin@testorg.example"])
    body = api.get(ROUTES["timers"]).get_json()
    assert (body["currentPage"], body["totalPages"], body["hasNext"]) == (0, 1, True)


def test_organisation_list_and_one(api: Api) -> None:
    body = api.get(ROUTES["organisations"]).get_json()
    assert body["items"] == [{"id": 1, "name": "Test Organisation", "slug": "testOrg"}]
    assert api.get(ROUTES["organisation"]).get_json() == body["items"][0]
    assert api.get("/api/v2/Organisation/MySlug").get_json() == body["items"][0]


def test_multi_org_user_sees_both(make_app: Any, multi_url: str) -> None:
    keys = fixture_keys(multi_url)
    app = make_app(database_url=multi_url)
    alex = Api(app.test_client(), keys["alex.admin@fabrikam.example"])
    nat = Api(app.test_client(), keys["nat.north@northwind.example"])

    slugs = [o["slug"] for o in alex.get("/api/v2/Organisation").get_json()["items"]]
    assert slugs == ["fabrikam", "northwind"]
    assert alex.get("/api/v2/Organisation/northwind/Projects").status_code == 200
    assert alex.get("/api/v2/Organisation/MySlug").get_json()["slug"] == "fabrikam"

    assert [o["slug"] for o in nat.get("/api/v2/Organisation").get_json()["items"]] == ["northwind"]
    rejected = nat.get("/api/v2/Organisation/fabrikam/Projects")
    assert rejected.status_code == 401
    assert (
        nat.get("/api/v2/Organisation/northwind/Contacts").get_json()["items"][0]["timezoneId"]
        == "W. Australia Standard Time"
    )


def test_timers_span_caller_organisations(make_app: Any, multi_url: str) -> None:
    keys = fixture_keys(multi_url)
    nat = Api(make_app(database_url=multi_url).test_client(), keys["nat.north@northwind.example"])
    timers = items(nat.get("/api/v2/Timers"))
    assert {t["organisationSlug"] for t in timers} == {"northwind"}
    filtered = items(nat.get("/api/v2/Timers?OrganisationId=1"))
    assert filtered == []


def test_timer_dates_use_organisation_zone(api: Api) -> None:
    # The clock starts on Friday 7 March 2025 at 09:00 in Sydney (22:00 UTC the day before).
    for timer in items(api.get(ROUTES["timers"])):
        started = dt.datetime.fromisoformat(timer["startDate"].rstrip("Z"))
        local = utc_to_local(started, "Australia/Sydney")
        assert timer["details"] == f"{local.day:02d} {local:%b} {local.year}"
        assert timer["isToday"] is (local.date() == dt.date(2025, 3, 7))
        assert not timer["startDate"].endswith("0Z")


def test_post_timer_from_query_and_body(make_app: Any, keys: dict[str, str], tmp_path: Any) -> None:
    from ..conftest import seed_file

    url = seed_file(tmp_path / "timers.db", "small")
    api = Api(make_app(database_url=url).test_client(), keys["alex.admin@testorg.example"])
    empty = api.request("POST", ROUTES["timers"])
    assert empty.status_code == 200
    assert empty.get_json()["isRunning"] is True
    assert empty.get_json()["text"] == ""

    by_query = api.request("POST", f"{ROUTES['timers']}?Text=Testing&Duration=50").get_json()
    assert (by_query["text"], by_query["duration"]) == ("Testing", 50)
    joined = api.request(
        "POST", ROUTES["timers"], json={"text": "More", "groupId": by_query["groupId"]}
    ).get_json()
    assert joined["groupId"] == by_query["groupId"]

    listed = [t["text"] for t in items(api.get(f"{ROUTES['timers']}?pageSize=100"))]
    assert {"Testing", "More", ""} <= set(listed)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ProjectId": 999999}, "ProjectId"),
        ({"Duration": "long"}, "duration"),
        ({"ProjectId": 20001, "StageId": 1}, "StageId"),
    ],
)
def test_post_timer_rejects_bad_work(
    make_app: Any, keys: dict[str, str], tmp_path: Any, params: dict[str, Any], field: str
) -> None:
    from ..conftest import seed_file

    url = seed_file(tmp_path / "timers.db", "small")
    api = Api(make_app(database_url=url).test_client(), keys["alex.admin@testorg.example"])
    before = len(items(api.get(f"{ROUTES['timers']}?pageSize=100")))
    response = api.request("POST", ROUTES["timers"], json=params)
    assert response.status_code == 400
    assert field in response.get_json()["modelState"]
    assert len(items(api.get(f"{ROUTES['timers']}?pageSize=100"))) == before


def test_post_timer_in_other_organisation_refused(make_app: Any, keys: dict[str, str]) -> None:
    api = Api(make_app().test_client(), keys["alex.admin@testorg.example"])
    assert api.request("POST", ROUTES["timers"], json={"OrganisationId": 99}).status_code == 401


def test_pause_resume_stop(make_app: Any, keys: dict[str, str], tmp_path: Any) -> None:
    from ..conftest import seed_file

    url = seed_file(tmp_path / "actions.db", "small")
    client = make_app(database_url=url).test_client()
    api = Api(client, keys["alex.admin@testorg.example"])
    timer = api.request("POST", ROUTES["timers"], json={"text": "Work", "groupId": "Group-A"})
    group = timer.get_json()["groupId"]
    client.post("/_mock/clock", json={"advance_seconds": 120})

    paused = api.request("POST", f"{ROUTES['timers']}/{group}/Pause").get_json()
    assert paused["isRunning"] is False
    assert paused["duration"] >= 120
    assert api.request("POST", f"{ROUTES['timers']}/{group}/pause").status_code == 400

    client.post("/_mock/clock", json={"advance_seconds": 600})
    resumed = api.request("POST", f"{ROUTES['timers']}/{group}/resume").get_json()
    assert resumed["isRunning"] is True
    assert resumed["duration"] < paused["duration"] + 60

    stopped = api.request("POST", f"{ROUTES['timers']}/{group}/stop").get_json()
    assert stopped["isRunning"] is False
    listed = [t["groupId"] for t in items(api.get(f"{ROUTES['timers']}?pageSize=100"))]
    assert group not in listed
    assert api.request("POST", f"{ROUTES['timers']}/{group}/resume").status_code == 400
    assert api.request("POST", f"{ROUTES['timers']}/{group}/explode").status_code == 404
    assert api.request("POST", f"{ROUTES['timers']}/no-such-group/stop").status_code == 404
