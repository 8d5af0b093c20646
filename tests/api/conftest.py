"""Fixtures for tests that change data: a fresh small-scenario database per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_server import create_app

from ..conftest import ADMIN, RESTRICTED, fixture_keys, seed_file


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[Any]:
    """A client on its own database, with the admin's and the restricted user's headers."""
    url = seed_file(tmp_path / "writes.db", "small")
    keys = fixture_keys(url)
    app = create_app({"database_url": url})
    yield app.test_client(), {"access-token": keys[ADMIN]}, {"access-token": keys[RESTRICTED]}
    app.extensions["synergy_mock"].store.dispose()
