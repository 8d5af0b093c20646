"""Shared fixtures: seeded SQLite files, apps built on them, and keys of the fixture users."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from mock_server import create_app
from mock_server.config import load_settings
from mock_server.seeding import seed_if_needed
from mock_server.store import Store
from mock_server.store.models import StaticKey, User

SMALL_SLUG = "testOrg"
ADMIN = "alex.admin@testorg.example"
STANDARD = "sam.standard@testorg.example"
RESTRICTED = "riley.restricted@testorg.example"


def seed_file(path: Path, scenario: str, **overrides: Any) -> str:
    """Seed ``scenario`` into the SQLite file ``path`` and return its URL."""
    url = f"sqlite:///{path}"
    seed_if_needed(load_settings({"database_url": url, "scenario": scenario, **overrides}))
    return url


def fixture_keys(url: str) -> dict[str, str]:
    """Return the static key seeded for each fixture user, by e-mail."""
    store = Store(url)
    try:
        with store.session() as session:
            rows = session.execute(
                select(User.email, StaticKey.token).join(StaticKey, StaticKey.user_id == User.id)
            ).all()
    finally:
        store.dispose()
    return {email: token for email, token in rows}


@dataclass
class Api:
    """A test client that sends a key in the ``access-token`` header by default."""

    client: FlaskClient
    key: str | None

    def get(self, path: str, key: str | None = "default", **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}))
        token = self.key if key == "default" else key
        if token is not None:
            headers["access-token"] = token
        return self.client.get(path, headers=headers, **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}))
        if self.key:
            headers.setdefault("access-token", self.key)
        return self.client.open(path, method=method, headers=headers, **kwargs)


@pytest.fixture(scope="session")
def small_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file seeded once with the small scenario; tests only read it."""
    return seed_file(tmp_path_factory.mktemp("small") / "small.db", "small")


@pytest.fixture(scope="session")
def multi_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file seeded once with the multi-org scenario."""
    return seed_file(tmp_path_factory.mktemp("multi") / "multi.db", "multi-org")


@pytest.fixture(scope="session")
def keys(small_url: str) -> dict[str, str]:
    return fixture_keys(small_url)


@pytest.fixture
def make_app(small_url: str) -> Iterator[Any]:
    """Build apps on the small scenario's database with extra settings.

    The database is shared by every test of the session, so quota counting is off: hundreds of
    tests would otherwise spend the organisation's 300 calls. Quotas have their own tests.
    """
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = create_app({"database_url": small_url, "quota_enabled": False, **overrides})
        built.append(app)
        return app

    yield build
    for app in built:
        app.extensions["synergy_mock"].store.dispose()


@pytest.fixture
def app(make_app: Any) -> Flask:
    built: Flask = make_app()
    return built


@pytest.fixture
def api(app: Flask, keys: dict[str, str]) -> Api:
    """Calls as the small scenario's admin user."""
    return Api(app.test_client(), keys[ADMIN])


def items(response: TestResponse) -> list[dict[str, Any]]:
    """Return the ``items`` of a 200 envelope response."""
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert isinstance(body, dict)
    found: list[dict[str, Any]] = body["items"]
    return found
