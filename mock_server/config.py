"""Every setting of the emulator, with its default, in one place.

Settings come from three layers, later ones winning: the defaults below, environment variables
named ``SYNERGY_MOCK_<NAME>`` (for example ``SYNERGY_MOCK_DATABASE_URL``), and the mapping passed
to :func:`mock_server.create_app`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ENV_PREFIX = "SYNERGY_MOCK_"

PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """Return the folder of bundled ``scenarios`` or ``fixtures``.

    A built wheel carries them under ``mock_server/data``; a source checkout or editable install
    has them at the top of the repository.
    """
    packaged = PACKAGE_DIR / "data" / name
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / name


class SettingsError(ValueError):
    """A setting has a value of the wrong type or outside its allowed set."""


@dataclass(frozen=True)
class Settings:
    """The emulator's configuration. Field names are the setting names, lower case."""

    database_url: str = "sqlite:///synergy-mock.db"
    scenario: str = "default"
    seed: int | None = None
    anchor: str | None = None
    scenario_dirs: tuple[str, ...] = ()
    fixture_dirs: tuple[str, ...] = ()
    secret_key: str = "synergy-mock-local-signing-secret"
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 2
    reseed: bool = False
    cors_mode: str = "open"
    accept_bearer: bool = False
    accept_any_slug: bool = False
    myslug_alias: bool = True
    error_include_error_key: bool = False
    forbidden_status: int = 401
    page_base: int = 1
    default_page_size: int = 10
    max_page_size: int = 1000
    project_field_aliases: bool = True
    projects_active_only_default: bool = True
    projects_live_like_filters: bool = False
    staff_emit_updated_date: bool = False
    contact_email_aliases: bool = False
    timers_vendor_paging: bool = False
    user_password: str = field(default="synergy", repr=False)
    auth_code_ttl: int = 600
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 30 * 24 * 3600
    refresh_rotation: bool = True
    require_redirect_uri: bool = False
    oauth_error_status: int = 400
    max_body_bytes: int = 1_048_576
    journal_max_rows: int = 10_000
    journal_body_limit: int = 2048
    control_token: str | None = field(default=None, repr=False)
    threads: int = 4
    quota_enabled: bool = True
    quota_status: int = 429
    quota_timezone: str = "Australia/Sydney"

    def scenario_search_path(self) -> list[Path]:
        """Return the folders searched for scenario files, configured ones first."""
        return [Path(p) for p in self.scenario_dirs] + [bundled_dir("scenarios")]

    def fixture_search_path(self) -> list[Path]:
        """Return the folders searched for fixture files, configured ones first."""
        return [Path(p) for p in self.fixture_dirs] + [bundled_dir("fixtures")]


CHOICES: dict[str, tuple[Any, ...]] = {
    "cors_mode": ("open", "off"),
    "forbidden_status": (401, 403),
    "page_base": (0, 1),
    "oauth_error_status": (400, 401),
    "quota_status": (429, 403),
}


def _coerce(name: str, kind: str, raw: Any) -> Any:
    """Convert a string from the environment, or any Python value, to the field's type."""
    if raw is None:
        return None
    if "tuple" in kind:
        if isinstance(raw, str):
            return tuple(part for part in raw.split(os.pathsep) if part)
        return tuple(str(part) for part in raw)
    if "bool" in kind:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"Setting {name} must be true or false, not {raw!r}.")
    if "int" in kind:
        if isinstance(raw, str) and raw.strip() == "" and "None" in kind:
            return None
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise SettingsError(f"Setting {name} must be a whole number, not {raw!r}.") from None
    return str(raw)


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build settings from the defaults, ``SYNERGY_MOCK_*`` variables and ``overrides``."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    known = {f.name: str(f.type) for f in fields(Settings)}
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise SettingsError(f"Unknown setting(s): {', '.join(unknown)}.")

    values: dict[str, Any] = {}
    for name, kind in known.items():
        env_name = ENV_PREFIX + name.upper()
        if name in overrides:
            values[name] = _coerce(name, kind, overrides[name])
        elif env_name in environ:
            values[name] = _coerce(name, kind, environ[env_name])
    url = values.get("database_url")
    if url is not None and "://" not in url:
        # A plain file path is taken as a SQLite file, relative to the working folder.
        values["database_url"] = f"sqlite:///{Path(url).expanduser().resolve()}"
    settings = Settings(**values)

    for name, allowed in CHOICES.items():
        if getattr(settings, name) not in allowed:
            choices = ", ".join(str(a) for a in allowed)
            raise SettingsError(f"Setting {name} must be one of {choices}.")
    if not 0 <= settings.port <= 65535:
        raise SettingsError(f"Setting port must be from 0 to 65535, not {settings.port}.")
    if not 1 <= settings.workers <= 64:
        raise SettingsError(f"Setting workers must be from 1 to 64, not {settings.workers}.")
    if not 1 <= settings.threads <= 64:
        raise SettingsError(f"Setting threads must be from 1 to 64, not {settings.threads}.")
    if not _is_zone(settings.quota_timezone):
        raise SettingsError(
            f"Setting quota_timezone must be an IANA time zone such as Australia/Sydney, "
            f"not {settings.quota_timezone!r}."
        )
    if settings.seed is not None and settings.seed < 0:
        raise SettingsError(f"Setting seed must be 0 or more, not {settings.seed}.")
    if not settings.secret_key:
        raise SettingsError("Setting secret_key must not be empty.")
    if settings.journal_max_rows < 1 or settings.journal_body_limit < 0:
        raise SettingsError(
            "Settings journal_max_rows must be 1 or more, journal_body_limit 0 or more."
        )
    if not 1 <= settings.default_page_size <= settings.max_page_size:
        raise SettingsError("Setting default_page_size must be between 1 and max_page_size.")
    return settings


def replace(settings: Settings, **changes: Any) -> Settings:
    """Return a copy of ``settings`` with some values changed."""
    return dataclasses.replace(settings, **changes)
