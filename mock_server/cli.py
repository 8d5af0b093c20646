"""The ``synergy-mock`` command: serve, seed, mint keys and list scenarios."""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urlencode

import click
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from . import __version__
from .auth import issue_static_key
from .clock import utcnow
from .config import ENV_PREFIX, Settings, SettingsError, load_settings
from .lifecycle import list_applications
from .seeding import SeedResult, load_configured_scenario, seed_if_needed
from .seeding.scenario import ScenarioError, list_scenarios
from .seeding.state import read_seed_state
from .store import Store, snapshots
from .store.models import Membership, User
from .timezones import utc_to_local

log = logging.getLogger(__name__)

KEY_YEARS = click.Choice(["1", "3"])


def _settings_from(options: dict[str, Any]) -> Settings:
    """Build settings from CLI options, and export them so gunicorn workers read the same."""
    names = {
        "scenario": "scenario",
        "seed": "seed",
        "host": "host",
        "port": "port",
        "workers": "workers",
        "database": "database_url",
        "anchor": "anchor",
    }
    overrides = {names[k]: v for k, v in options.items() if k in names and v is not None}
    for name, value in overrides.items():
        os.environ[ENV_PREFIX + name.upper()] = str(value)
    try:
        settings = load_settings()
        make_url(settings.database_url).get_dialect()
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    except (ArgumentError, NoSuchModuleError) as error:
        _fail(
            ValueError(
                f"Invalid database URL {os.environ.get(ENV_PREFIX + 'DATABASE_URL')!r}: "
                f"{error}. Use a file path or a URL such as sqlite:///synergy-mock.db."
            )
        )
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        folder = Path(url.database).expanduser().resolve().parent
        if not folder.is_dir():
            _fail(
                ValueError(
                    f"The database folder {folder} does not exist; create it or choose "
                    "another --database."
                )
            )
    return settings


def _require_seeded(store: Store, settings: Settings) -> None:
    """Exit with a hint when the database has never been seeded."""
    if read_seed_state(store) is None:
        _fail(
            ValueError(
                f"{settings.database_url} has not been seeded. Run "
                "'synergy-mock seed' or 'synergy-mock serve' with it first."
            )
        )


def _fail(error: Exception) -> NoReturn:
    click.echo(f"synergy-mock: {error}", err=True)
    sys.exit(2)


def _seed(settings: Settings, force: bool) -> SeedResult:
    """Seed with a progress bar on a terminal; turn scenario errors into a clean exit."""
    try:
        scenario = load_configured_scenario(settings)
        steps = 6 * len(scenario.data["organisations"]) + 1
        if not sys.stderr.isatty():
            return seed_if_needed(settings, force=force)
        with click.progressbar(length=steps, label="Seeding", file=sys.stderr) as bar:
            return seed_if_needed(settings, force=force, progress=lambda _step: bar.update(1))
    except (ScenarioError, SettingsError) as error:
        _fail(error)
    except (SQLAlchemyError, snapshots.SnapshotError, OSError) as error:
        _fail(ValueError(f"Could not seed {settings.database_url}: {error}"))


common_options: list[Callable[[Any], Any]] = [
    click.option("--scenario", help="Scenario name (from the scenario folders) or a YAML path."),
    click.option(
        "--seed", type=click.IntRange(min=0), help="Faker seed; overrides the scenario's own seed."
    ),
    click.option(
        "--database", help="SQLAlchemy URL of the database [default: sqlite:///synergy-mock.db]."
    ),
    click.option(
        "--anchor",
        help="Start the clock here instead of the scenario's start: an ISO date-time, or 'now'.",
    ),
]


def with_common_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(common_options):
        command = option(command)
    return command


@click.group()
@click.version_option(__version__, prog_name="synergy-mock")
def main() -> None:
    """Serve and manage a local emulator of the Total Synergy REST API (api/v2)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@main.command()
@with_common_options
@click.option("--host", help="Address to bind [default: 127.0.0.1].")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    help="Port to bind; 0 picks a free one [default: 8080].",
)
@click.option(
    "--workers", type=click.IntRange(1, 64), help="gunicorn worker processes [default: 2]."
)
@click.option(
    "--reseed", is_flag=True, help="Seed again even if the database already contains the scenario."
)
def serve(reseed: bool, **options: Any) -> None:
    """Seed the database if needed, then serve the API with gunicorn."""
    settings = _settings_from(options)
    if settings.database_url.startswith("sqlite://") and settings.database_url in (
        "sqlite://",
        "sqlite:///:memory:",
    ):
        _fail(
            ValueError(
                "serve needs a database file that every worker can open; an in-memory "
                "SQLite database exists in one process only. Use --database FILE."
            )
        )
    _check_port_free(settings.host, settings.port)
    result = _seed(settings, force=reseed or settings.reseed)
    from .server import run_gunicorn

    run_gunicorn(settings, on_ready=lambda host, port: _print_banner(settings, result, host, port))


def _check_port_free(host: str, port: int) -> None:
    """Fail at once, with a hint, when the address is taken or cannot be bound."""
    if port == 0:
        return
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        _fail(
            ValueError(
                f"Cannot listen on {host}:{port}: {error.strerror or error}. "
                "Pick another port with --port, or --port 0 for any free one."
            )
        )


def _application_lines(settings: Settings, base: str) -> list[str]:
    """Return banner lines naming the first OAuth application and a ready Authorize URL."""
    store = Store(settings.database_url)
    try:
        applications = list_applications(store)
    finally:
        store.dispose()
    if not applications:
        return []
    first = applications[0]
    query = urlencode(
        {
            "ApplicationKey": first["applicationKey"],
            "RedirectUri": first["callbackUrl"],
            "tenant": "",
            "state": "try-me",
        }
    )
    return [
        f"  OAuth app      {first['name']} ({first['organisation']})",
        f"  ApplicationKey {first['applicationKey']}",
        f"  Secret         {first['applicationSecret']}",
        f"  Authorize      {base}/OAuth2/Authorize?{query}",
    ]


def _print_banner(settings: Settings, result: SeedResult, host: str, port: int) -> None:
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://{shown_host}:{port}"
    store = Store(settings.database_url)
    try:
        meta = store.read_meta()
        with store.session() as session:
            user = session.scalar(
                select(User).where(User.email_key == meta.get("default_email", "").lower())
            )
            staff_id = today = None
            if user is not None:
                organisation = user.default_organisation
                now = utc_to_local(utcnow(session, organisation.id), organisation.timezone)
                today = now.strftime("%Y%m%d")
                staff_id = session.scalar(
                    select(Membership.staff_id).where(
                        Membership.user_id == user.id,
                        Membership.organisation_id == organisation.id,
                    )
                )
    finally:
        store.dispose()
    key, slug = meta.get("default_key", ""), meta.get("default_slug", "")
    api = f"{base}/api/v2/Organisation/{slug}"
    number = quote("C 100")
    week = f"criteria.id={staff_id}&DateAsInt={today}"
    lines = [
        "",
        f"synergy-mock {__version__}: scenario '{result.scenario}' (seed {result.seed}) on {base}",
        f"  API base URL   {base}/api/v2",
        f"  Organisation   {slug}",
        f"  Static key     {key or '(none: run synergy-mock token)'}",
        f"  Key belongs to {meta.get('default_email', '')}",
        *_application_lines(settings, base),
        "",
        "Try:",
        f"  curl -H 'access-token: {key}' '{api}/Projects?criteria.projectNumber={number}'",
        f"  curl -H 'access-token: {key}' '{api}/Staff'",
        f"  curl -H 'access-token: {key}' '{api}/Timesheet/Week/?{week}'",
        "",
        f"Health: {base}/_mock/health. Stop with Ctrl+C.",
        "",
    ]
    click.echo("\n".join(lines))
    sys.stdout.flush()


@main.command()
@with_common_options
def seed(**options: Any) -> None:
    """Build the database from the scenario without serving."""
    settings = _settings_from(options)
    result = _seed(settings, force=True)
    click.echo(
        f"Seeded scenario '{result.scenario}' (seed {result.seed}): {result.rows} rows "
        f"in {result.seconds:.2f} s into {settings.database_url}"
    )


@main.command()
@click.option(
    "--user", "email", help="E-mail of the user [default: the scenario's first fixture user]."
)
@click.option(
    "--years", type=KEY_YEARS, default="1", show_default=True, help="How long the key lasts."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print an object with key, email and organisation."
)
@click.option(
    "--database", help="SQLAlchemy URL of the database [default: sqlite:///synergy-mock.db]."
)
def token(email: str | None, years: str, as_json: bool, database: str | None) -> None:
    """Mint a static key for a user of the seeded database."""
    settings = _settings_from({"database": database})
    store = Store(settings.database_url)
    try:
        _require_seeded(store, settings)
        if email is not None and not email.strip():
            _fail(ValueError("--user needs an e-mail address."))
        email = email or store.read_meta().get("default_email")
        with store.session() as session:
            found = session.scalar(select(User).where(User.email_key == (email or "").lower()))
            if found is None:
                _fail(
                    ValueError(
                        f"No user with e-mail {email!r} in {settings.database_url}. "
                        "Users come from the scenario's fixture files."
                    )
                )
                return
            key = issue_static_key(session, found, utcnow(session), int(years), settings.secret_key)
            slug = found.default_organisation.slug
            text = key.token
    finally:
        store.dispose()
    if as_json:
        click.echo(json.dumps({"key": text, "email": found.email, "organisation": slug}))
    else:
        click.echo(text)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option(
    "--database", help="SQLAlchemy URL of the database [default: sqlite:///synergy-mock.db]."
)
def apps(as_json: bool, database: str | None) -> None:
    """List the OAuth applications with their keys."""
    settings = _settings_from({"database": database})
    store = Store(settings.database_url)
    try:
        _require_seeded(store, settings)
        found = list_applications(store)
    finally:
        store.dispose()
    if as_json:
        click.echo(json.dumps(found))
        return
    for app in found:
        click.echo(
            f"{app['name']} ({app['organisation']})\n"
            f"  ApplicationKey     {app['applicationKey']}\n"
            f"  ApplicationSecret  {app['applicationSecret']}\n"
            f"  Callback URL       {app['callbackUrl']}"
        )


@main.command()
def scenarios() -> None:
    """List the scenarios in the scenario folders."""
    settings = _settings_from({})
    for name, path in list_scenarios(settings.scenario_search_path()):
        try:
            from .seeding.scenario import load_scenario

            description = load_scenario(
                str(path), settings.scenario_search_path(), settings.fixture_search_path()
            ).description
        except ScenarioError as error:
            description = f"(invalid: {str(error).splitlines()[0]})"
        click.echo(f"{name:<12} {description}\n{'':<12} {path}")
