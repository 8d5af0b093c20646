"""Settings: defaults, environment overrides and bad values."""

from __future__ import annotations

import pytest

from mock_server.config import SettingsError, load_settings


def test_defaults() -> None:
    settings = load_settings({}, environ={})
    assert settings.database_url == "sqlite:///synergy-mock.db"
    assert settings.scenario == "default"
    assert settings.host == "127.0.0.1"
    assert settings.cors_mode == "open"
    assert settings.default_page_size == 10
    assert settings.max_page_size == 1000


def test_environment_overrides() -> None:
    settings = load_settings(
        {},
        environ={
            "SYNERGY_MOCK_PORT": "9000",
            "SYNERGY_MOCK_ACCEPT_BEARER": "yes",
            "SYNERGY_MOCK_SEED": "12",
            "SYNERGY_MOCK_SCENARIO_DIRS": "/a:/b",
        },
    )
    assert settings.port == 9000
    assert settings.accept_bearer is True
    assert settings.seed == 12
    assert settings.scenario_dirs == ("/a", "/b")


def test_mapping_beats_environment() -> None:
    settings = load_settings({"port": 7000}, environ={"SYNERGY_MOCK_PORT": "9000"})
    assert settings.port == 7000


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"port": "eighty"}, "Setting port must be a whole number"),
        ({"accept_bearer": "perhaps"}, "Setting accept_bearer must be true or false"),
        ({"cors_mode": "sometimes"}, "Setting cors_mode must be one of open, off"),
        ({"forbidden_status": 500}, "Setting forbidden_status must be one of 401, 403"),
        ({"no_such_setting": 1}, "Unknown setting(s): no_such_setting"),
        ({"default_page_size": 0}, "default_page_size must be between 1 and max_page_size"),
    ],
)
def test_bad_settings_are_named(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(overrides, environ={})
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"workers": 100000}, "workers must be from 1 to 64"),
        ({"workers": 0}, "workers must be from 1 to 64"),
        ({"port": 99999}, "port must be from 0 to 65535"),
        ({"port": -1}, "port must be from 0 to 65535"),
        ({"seed": -3}, "seed must be 0 or more"),
        ({"secret_key": ""}, "secret_key must not be empty"),
    ],
)
def test_out_of_range_settings(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(overrides, environ={})


def test_plain_path_becomes_sqlite_url(tmp_path: object) -> None:
    settings = load_settings({"database_url": "relative/mock.db"}, environ={})
    assert settings.database_url.startswith("sqlite:////")
    assert settings.database_url.endswith("/relative/mock.db")
