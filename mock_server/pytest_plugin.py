"""pytest plugin: a synergy-mock server for your tests, and a fresh organisation for each test.

Fixtures:

- ``synergy_server`` (session): starts the emulator in this process on 127.0.0.1 with a free
  port, or attaches to a running one given ``--synergy-url URL`` or ``SYNERGY_MOCK_URL``.
- ``synergy`` (function): before each test, resets the in-process server, or takes a fresh
  namespace (an organisation of its own) on an attached server; see :class:`Synergy`.

``@pytest.mark.synergy(scenario="small", seed=7)`` picks the scenario a test starts from.
``-p no:synergy_mock`` turns the plugin off.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

URL_ENV = "SYNERGY_MOCK_URL"
TOKEN_ENV = "SYNERGY_MOCK_CONTROL_TOKEN"
SCENARIO_ENV = "SYNERGY_MOCK_SCENARIO"


class SynergyControlError(RuntimeError):
    """A control-plane call failed; the message carries the server's explanation."""


class ControlClient:
    """A small JSON client for the ``/_mock`` control plane, using only the standard library."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
    ) -> Any:
        """Send one request and return the decoded JSON reply; raise on any non-2xx status."""
        url = f"{self.base_url}/_mock{path}"
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            raise SynergyControlError(
                f"{method} {url} failed with {error.code}: {detail}"
            ) from None
        except urllib.error.URLError as error:
            raise SynergyControlError(
                f"{method} {url} failed: {error.reason}. Is synergy-mock running there?"
            ) from None


@dataclass
class SynergyServer:
    """The server the tests use: started in process, or attached to by URL."""

    base_url: str
    control: ControlClient
    attached: bool
    default_scenario: str | None
    loaded: tuple[str | None, int | None] = (None, None)


class Clock:
    """The server clock of one test's organisation."""

    def __init__(self, control: ControlClient, organisation: str) -> None:
        self._control = control
        self._organisation = organisation

    def now(self) -> dt.datetime:
        """Return the organisation's current server time, as an aware UTC datetime."""
        reply = self._control.call("GET", "/clock", query={"organisation": self._organisation})
        return dt.datetime.fromisoformat(reply["now"].replace("Z", "+00:00"))

    def advance(
        self, seconds: float = 0, *, minutes: float = 0, hours: float = 0, days: float = 0
    ) -> dt.datetime:
        """Move the clock on (or back, with negative values) and return the new time."""
        total = seconds + minutes * 60 + hours * 3600 + days * 86400
        self._post({"advance_seconds": total})
        return self.now()

    def set(self, when: dt.datetime | str) -> dt.datetime:
        """Set the clock to ``when`` (a naive datetime is UTC) and return it."""
        text = when.isoformat() if isinstance(when, dt.datetime) else when
        self._post({"set": text})
        return self.now()

    def freeze(self, frozen: bool = True) -> None:
        """Stop the clock at the current instant, or with ``frozen=False`` let it run again."""
        self._post({"freeze": frozen})

    def _post(self, body: dict[str, Any]) -> None:
        self._control.call("POST", "/clock", {**body, "organisation": self._organisation})


class Journal:
    """The requests one test's organisation received, as the server recorded them."""

    def __init__(self, control: ControlClient, organisation: str) -> None:
        self._control = control
        self._organisation = organisation

    def requests(
        self, method: str | None = None, path: str | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        """Return the recorded requests, oldest first.

        ``path`` matches the whole path or its last segments, with ``*`` as a wildcard, so
        ``Projects`` and ``*/Projects`` both match ``/api/v2/Organisation/acme/Projects``.
        """
        query = {
            "organisation": self._organisation,
            "method": method,
            "path": path,
            "status": status,
        }
        reply = self._control.call("GET", "/journal", query=query)
        found: list[dict[str, Any]] = reply["requests"]
        return found

    def assert_called(self, method: str, path: str, times: int | None = None) -> None:
        """Fail unless ``method path`` was requested (exactly ``times`` times, if given)."""
        matched = self.requests(method=method, path=path)
        if (len(matched) >= 1) if times is None else (len(matched) == times):
            return
        expected = "at least once" if times is None else f"{times} time(s)"
        received = [f"{r['method']} {r['path']}" for r in self.requests()]
        nearest = difflib.get_close_matches(f"{method.upper()} {path}", received, n=5, cutoff=0)
        lines = "\n".join(f"  {line}" for line in nearest) or "  (none)"
        raise AssertionError(
            f"Expected {method.upper()} {path} {expected}, got it {len(matched)} time(s). "
            f"Nearest of the {len(received)} request(s) received:\n{lines}"
        )


class Quota:
    """The daily quota of one test's organisation."""

    def __init__(self, control: ControlClient, organisation: str) -> None:
        self._control = control
        self._organisation = organisation

    def usage(self) -> dict[str, Any]:
        """Return limits, calls used and remaining today, and when the quota resets."""
        reply: dict[str, Any] = self._control.call("GET", f"/quota/{self._organisation}")
        return reply

    def set_remaining(
        self, calls: int | None = None, *, transactions: int | None = None
    ) -> dict[str, Any]:
        """Leave ``calls`` calls (and ``transactions`` Transactions calls) for today."""
        changes = {"remaining": calls, "transactions_remaining": transactions}
        return self._post({k: v for k, v in changes.items() if v is not None})

    def exhaust(self, *, transactions: bool = False) -> dict[str, Any]:
        """Use up today's calls (or only the Transactions calls), so the next call gets 429."""
        return self._post({"exhaust": "transactions" if transactions else True})

    def reset(self) -> dict[str, Any]:
        """Give the organisation a full quota again."""
        return self._post({"reset": True})

    def set_tier(self, tier: str) -> dict[str, Any]:
        """Switch to ``standard`` (300 calls, 50 Transactions) or ``premium`` limits."""
        return self._post({"tier": tier})

    def set_limits(
        self, calls: int | None = None, *, transactions: int | None = None
    ) -> dict[str, Any]:
        """Set the daily limits to any numbers."""
        changes = {"calls_limit": calls, "transactions_limit": transactions}
        return self._post({k: v for k, v in changes.items() if v is not None})

    def disable(self) -> dict[str, Any]:
        """Stop rejecting calls for this organisation (they are still counted)."""
        return self._post({"enabled": False})

    def enable(self) -> dict[str, Any]:
        """Reject calls over the limits again."""
        return self._post({"enabled": True})

    def _post(self, changes: dict[str, Any]) -> dict[str, Any]:
        reply: dict[str, Any] = self._control.call("POST", f"/quota/{self._organisation}", changes)
        return reply


class Faults:
    """Fault rules for one test's organisation: make chosen calls fail on purpose."""

    def __init__(self, control: ControlClient, organisation: str) -> None:
        self._control = control
        self._organisation = organisation
        self._added: list[int] = []

    def add(
        self,
        path: str,
        *,
        method: str | None = None,
        status: int | None = None,
        times: int | None = None,
        latency_ms: int | None = None,
        body: str | None = None,
        drop: bool | None = None,
        message: str | None = None,
        probability: float | None = None,
        seed: int | None = None,
        any_organisation: bool = False,
    ) -> dict[str, Any]:
        """Add a rule and return it with its ``id``; the fixture removes it after the test.

        ``path`` matches as in the journal (``*/Projects`` or the whole path, ``*`` a wildcard).
        ``body`` is ``"malformed"`` or ``"empty"``. The rule matches only this test's
        organisation unless ``any_organisation`` is true, which paths without a slug (``Timers``)
        need.
        """
        options = {
            "method": method,
            "status": status,
            "times": times,
            "latency_ms": latency_ms,
            "body": body,
            "drop": drop,
            "message": message,
            "probability": probability,
            "seed": seed,
        }
        rule: dict[str, Any] = {"path": path, **{k: v for k, v in options.items() if v is not None}}
        if not any_organisation:
            rule["organisation"] = self._organisation
        created: dict[str, Any] = self._control.call("POST", "/faults", rule)
        self._added.append(created["id"])
        return created

    def list(self) -> list[dict[str, Any]]:
        """Return this organisation's rules with how often each matched and fired."""
        reply = self._control.call("GET", "/faults", query={"organisation": self._organisation})
        rules: list[dict[str, Any]] = reply["faults"]
        return rules

    def remove(self, rule_id: int) -> None:
        """Remove one rule."""
        self._control.call("DELETE", f"/faults/{rule_id}")

    def clear(self) -> None:
        """Remove every rule of this organisation."""
        self._control.call("DELETE", "/faults", query={"organisation": self._organisation})

    def remove_added(self) -> None:
        """Remove the rules this test added, so rules for any organisation do not outlive it."""
        listed = self._control.call("GET", "/faults")["faults"]
        remaining = {rule["id"] for rule in listed}
        for rule_id in self._added:
            if rule_id in remaining:
                self.remove(rule_id)
        self._added.clear()


@dataclass
class Synergy:
    """Everything one test needs to call the emulated API and inspect what happened."""

    server: SynergyServer
    slug: str
    key: str
    users: list[dict[str, Any]]
    clock: Clock = field(init=False)
    journal: Journal = field(init=False)
    quota: Quota = field(init=False)
    faults: Faults = field(init=False)
    _snapshots: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.clock = Clock(self.server.control, self.slug)
        self.journal = Journal(self.server.control, self.slug)
        self.quota = Quota(self.server.control, self.slug)
        self.faults = Faults(self.server.control, self.slug)

    @property
    def base_url(self) -> str:
        """The server root, for example ``http://127.0.0.1:54321``."""
        return self.server.base_url

    @property
    def api_url(self) -> str:
        """The API base URL, ending in ``/api/v2``."""
        return f"{self.server.base_url}/api/v2"

    @property
    def headers(self) -> dict[str, str]:
        """Request headers with ``access-token`` set to :attr:`key`."""
        return {"access-token": self.key, "Accept": "application/json"}

    def token(self, user: str | None = None, years: int = 1) -> str:
        """Mint a static key for ``user`` (an e-mail or username; the first user if omitted)."""
        chosen = (
            self.users[0]
            if user is None
            else next(
                (
                    u
                    for u in self.users
                    if user.lower() in (u["email"].lower(), u["username"].lower())
                ),
                None,
            )
        )
        if chosen is None:
            known = ", ".join(u["email"] for u in self.users)
            raise ValueError(f"No user {user!r} in organisation {self.slug}; users: {known}.")
        reply = self.server.control.call(
            "POST", "/tokens", {"email": chosen["email"], "years": years}
        )
        key: str = reply["key"]
        return key

    def oauth_tokens(
        self, user: str | None = None, application_key: str | None = None
    ) -> dict[str, Any]:
        """Run the OAuth flow without a browser and return the token reply.

        Approves ``application_key`` (the organisation's first application by default) for
        ``user`` (an e-mail; the first user by default), then exchanges the code.
        """
        applications = [
            a
            for a in self.server.control.call("GET", "/applications")["applications"]
            if a["organisation"].lower() == self.slug.lower()
            and (application_key is None or a["applicationKey"] == application_key)
        ]
        if not applications:
            raise ValueError(f"No application {application_key or ''} in {self.slug}.")
        application = applications[0]
        email = user or self.users[0]["email"]
        approved = self.server.control.call(
            "POST",
            "/oauth/approve",
            {"applicationKey": application["applicationKey"], "email": email},
        )
        body = json.dumps(
            {
                "applicationKey": application["applicationKey"],
                "ApplicationSecret": application["applicationSecret"],
                "code": approved["code"],
                "grant_type": "authorization_code",
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.api_url}/Oauth2/GetAccessToken",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            tokens: dict[str, Any] = json.loads(response.read())
        return tokens

    def snapshot(self, name: str | None = None) -> str:
        """Save the server's whole state; return the snapshot name for :meth:`restore`."""
        self._whole_server_only("snapshot")
        name = name or f"test-{os.getpid()}-{len(self._snapshots) + 1}"
        self.server.control.call("POST", "/snapshots", {"name": name})
        self._snapshots.append(name)
        return name

    def restore(self, name: str | None = None) -> None:
        """Bring back a snapshot, by default the latest this test took."""
        self._whole_server_only("restore")
        if name is None:
            if not self._snapshots:
                raise ValueError("No snapshot to restore: call synergy.snapshot() first.")
            name = self._snapshots[-1]
        self.server.control.call("POST", f"/snapshots/{name}/restore")

    def _whole_server_only(self, action: str) -> None:
        # NOTE: snapshots cover the whole database, so on a shared server they would undo other
        # tests' namespaces; per-namespace snapshots are not implemented.
        if self.server.attached:
            raise SynergyControlError(
                f"synergy.{action}() is only available with the in-process server: on a shared "
                "server it would also roll back other tests' organisations."
            )


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("synergy-mock")
    group.addoption(
        "--synergy-url",
        default=None,
        help=f"Attach to a running synergy-mock at this URL instead of starting one in "
        f"process (also ${URL_ENV}).",
    )
    group.addoption(
        "--synergy-scenario",
        default=None,
        help=f"Scenario the in-process server seeds [default: ${SCENARIO_ENV} or 'default'].",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "synergy(scenario=None, seed=None): the scenario and seed the synergy fixture starts from.",
    )


@pytest.fixture(scope="session")
def synergy_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SynergyServer]:
    """Start the emulator for this test session in process, or attach to one by URL."""
    url = request.config.getoption("--synergy-url") or os.environ.get(URL_ENV)
    token = os.environ.get(TOKEN_ENV)
    if url:
        control = ControlClient(url, token)
        control.call("GET", "/health")
        yield SynergyServer(url.rstrip("/"), control, attached=True, default_scenario=None)
        return

    from werkzeug.serving import make_server

    from . import create_app
    from .config import load_settings
    from .seeding import seed_if_needed

    scenario = (
        request.config.getoption("--synergy-scenario") or os.environ.get(SCENARIO_ENV) or "default"
    )
    folder = tmp_path_factory.mktemp("synergy-mock")
    overrides = {"database_url": f"sqlite:///{folder / 'synergy.db'}", "scenario": scenario}
    settings = load_settings(overrides)
    seed_if_needed(settings)
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="synergy-mock", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield SynergyServer(
            base_url,
            ControlClient(base_url, token),
            attached=False,
            default_scenario=scenario,
            loaded=(scenario, None),
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["synergy_mock"].store.dispose()


@pytest.fixture
def synergy(synergy_server: SynergyServer, request: pytest.FixtureRequest) -> Iterator[Synergy]:
    """Give this test a clean organisation: reset the server, or take a fresh namespace."""
    marker = request.node.get_closest_marker("synergy")
    options = dict(marker.kwargs) if marker else {}
    scenario, seed = options.get("scenario"), options.get("seed")
    control = synergy_server.control

    if synergy_server.attached:
        reply = control.call("POST", "/namespaces", {"scenario": scenario, "seed": seed})
        test = Synergy(synergy_server, reply["slug"], reply["key"], reply["users"])
        try:
            yield test
        finally:
            test.faults.remove_added()
            control.call("DELETE", f"/namespaces/{reply['slug']}")
        return

    requested = (scenario or synergy_server.default_scenario, seed)
    if requested != synergy_server.loaded:
        reply = control.call("POST", "/scenarios/load", {"name": requested[0], "seed": seed})
        synergy_server.loaded = requested
    else:
        reply = control.call("POST", "/reset")
    yield Synergy(synergy_server, reply["slug"], reply["key"], reply["users"])
