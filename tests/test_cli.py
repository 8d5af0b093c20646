"""The synergy-mock command, run as real processes: serve, seed, token and scenarios."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests

from mock_server.store import Store

from .servers import BIN, free_port, running

CLI = str(BIN / "synergy-mock")


def _isolated_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    # No XDG_RUNTIME_DIR, so a control socket, if gunicorn opened one, would land under HOME.
    return {"HOME": str(home), "XDG_RUNTIME_DIR": ""}


def _run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120, check=False
    )


def _curl_request(line: str) -> requests.Response:
    """Send the request a printed curl command describes, as curl would."""
    words = shlex.split(line.strip())
    assert words[0] == "curl"
    header = words[words.index("-H") + 1]
    name, _, value = header.partition(": ")
    return requests.get(words[-1], headers={name: value}, timeout=10)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    import os

    return {**os.environ, **_isolated_env(tmp_path)}


def test_serve_default_scenario_answers_real_clients(tmp_path: Path, env: dict[str, str]) -> None:
    port = free_port()
    command = [CLI, "serve", "--port", str(port), "--database", f"sqlite:///{tmp_path}/d.db"]
    with running(command, port, tmp_path, _isolated_env(tmp_path)) as server:
        banner = server.output()
        key = re.search(r"Static key\s+(\S+)", banner)
        assert key, banner
        headers = {"access-token": key.group(1), "Accept": "application/json"}
        api = f"{server.base_url}/api/v2"

        # A Word add-in: the project by number, then its primary contact.
        found = requests.get(
            f"{api}/Organisation/fabrikam/Projects?criteria.projectNumber=C%20100",
            headers=headers,
            timeout=10,
        )
        assert found.status_code == 200
        project = found.json()["items"][0]
        contact = requests.get(
            f"{api}/Organisation/fabrikam/Contacts/{project['primaryContactId']}",
            headers=headers,
            timeout=10,
        )
        assert contact.status_code == 200
        assert contact.json()["email"] == "projects@contoso.example"

        # A timesheet dashboard: three Fridays, one request a week.
        staff = requests.get(f"{api}/Organisation/fabrikam/Staff", headers=headers, timeout=10)
        assert staff.status_code == 200
        staff_id = staff.json()[0]["id"]
        for friday in ("20250221", "20250228", "20250307"):
            week = requests.get(
                f"{api}/Organisation/fabrikam/Timesheet/Week/?includeCustomFields=true"
                f"&criteria.id={staff_id}&DateAsInt={friday}",
                headers={"access-token": headers["access-token"], "Accept": "*/*"},
                timeout=10,
            )
            assert week.status_code == 200
            assert "time" in week.json()
            assert all(isinstance(row["mon"], int | float) for row in week.json()["time"])

        timers = requests.get(f"{api}/Timers", headers=headers, timeout=10)
        assert timers.status_code == 200
        assert timers.json()["items"]

        # The three printed curl commands work as pasted.
        commands = [line for line in banner.splitlines() if line.strip().startswith("curl ")]
        assert len(commands) == 3
        assert "ApplicationKey fabrikam-app-public-key" in banner
        authorize = re.search(r"Authorize\s+(\S+)", banner)
        assert authorize
        assert requests.get(authorize.group(1), timeout=10).status_code == 200
        for line in commands:
            response = _curl_request(line)
            assert response.status_code == 200, line
            assert response.json()

    assert not (tmp_path / "home" / ".gunicorn").exists()


def test_serve_keeps_seeded_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/keep.db"

    def serve_command(port: int) -> list[str]:
        return [
            CLI,
            "serve",
            "--scenario",
            "small",
            "--port",
            str(port),
            "--database",
            url,
            "--workers",
            "1",
        ]

    port = free_port()
    with running(serve_command(port), port, tmp_path, _isolated_env(tmp_path)) as first:
        assert "Seeded scenario small" in first.output()
    seeded_at = Store(url).read_meta()["seeded_at"]
    port = free_port()
    with running(serve_command(port), port, tmp_path, _isolated_env(tmp_path)) as second:
        assert "not seeding again" in second.output()
    assert Store(url).read_meta()["seeded_at"] == seeded_at


def test_serve_reseeds_with_reseed_setting(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/again.db"
    command = [CLI, "serve", "--scenario", "small", "--database", url, "--workers", "1"]
    env = _isolated_env(tmp_path)

    port = free_port()
    with running([*command, "--port", str(port)], port, tmp_path, env):
        pass
    seeded_at = Store(url).read_meta()["seeded_at"]

    port = free_port()
    reseed_env = {**env, "SYNERGY_MOCK_RESEED": "true"}
    with running([*command, "--port", str(port)], port, tmp_path, reseed_env) as second:
        assert "not seeding again" not in second.output()
        assert "Seeded scenario small" in second.output()
    assert Store(url).read_meta()["seeded_at"] != seeded_at


def test_plain_gunicorn_with_config_seeds_and_serves(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **_isolated_env(tmp_path),
        "SYNERGY_MOCK_PORT": str(port),
        "SYNERGY_MOCK_SCENARIO": "small",
        "SYNERGY_MOCK_DATABASE_URL": f"sqlite:///{tmp_path}/g.db",
    }
    command = [
        str(BIN / "gunicorn"),
        "-c",
        "python:mock_server.gunicorn_conf",
        "mock_server.wsgi:app",
    ]
    with running(command, port, tmp_path, env) as server:
        health = requests.get(f"{server.base_url}/_mock/health", timeout=5).json()
        assert health["scenario"] == "small"
        missing = requests.get(f"{server.base_url}/api/v2/Organisation", timeout=5)
        assert missing.status_code == 401
    assert not (tmp_path / "home" / ".gunicorn").exists()


GUNICORN = [str(BIN / "gunicorn"), "-c", "python:mock_server.gunicorn_conf", "mock_server.wsgi:app"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"SYNERGY_MOCK_DATABASE_URL": "sqlite:////nonexistent-folder/g.db"},
            "Check that its folder exists and that this user may write to it.",
        ),
        ({"SYNERGY_MOCK_SCENARIO": "nosuch"}, "Scenario 'nosuch' not found"),
    ],
)
def test_plain_gunicorn_start_failure_is_one_line(
    tmp_path: Path, settings: dict[str, str], message: str
) -> None:
    env = {
        **os.environ,
        **_isolated_env(tmp_path),
        "SYNERGY_MOCK_PORT": str(free_port()),
        "SYNERGY_MOCK_DATABASE_URL": f"sqlite:///{tmp_path}/g.db",
        **settings,
    }
    result = subprocess.run(
        GUNICORN, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_plain_gunicorn_warns_when_replacing_scenario(tmp_path: Path, env: dict[str, str]) -> None:
    database = f"sqlite:///{tmp_path}/r.db"
    seeded = _run("seed", "--scenario", "small", "--database", database, env=env, cwd=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    port = free_port()
    settings = {
        **_isolated_env(tmp_path),
        "SYNERGY_MOCK_PORT": str(port),
        "SYNERGY_MOCK_SCENARIO": "default",
        "SYNERGY_MOCK_DATABASE_URL": database,
    }
    with running(GUNICORN, port, tmp_path, settings) as server:
        assert f"Replacing scenario small in {database} with scenario default" in server.output()


def test_seed_then_token_json(tmp_path: Path, env: dict[str, str]) -> None:
    url = f"sqlite:///{tmp_path}/t.db"
    seeded = _run("seed", "--scenario", "small", "--database", url, env=env, cwd=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    assert "Seeded scenario 'small' (seed 7)" in seeded.stdout

    minted = _run(
        "token",
        "--json",
        "--years",
        "3",
        "--user",
        "SAM.standard@testorg.example",
        "--database",
        url,
        env=env,
        cwd=tmp_path,
    )
    assert minted.returncode == 0, minted.stderr
    body: dict[str, Any] = json.loads(minted.stdout)
    assert body["email"] == "sam.standard@testorg.example"
    assert body["organisation"] == "testOrg"
    assert body["key"].count(".") == 2

    plain = _run("token", "--database", url, env=env, cwd=tmp_path)
    assert plain.returncode == 0
    assert plain.stdout.strip().count(".") == 2


def test_token_needs_seeded_database(tmp_path: Path, env: dict[str, str]) -> None:
    result = _run("token", "--database", f"sqlite:///{tmp_path}/never.db", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "has not been seeded" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("database", "message"),
    [
        ("foo://bar", "Invalid database URL 'foo://bar'"),
        ("/nonexistent-folder/x.db", "The database folder /nonexistent-folder does not exist"),
    ],
)
@pytest.mark.parametrize("command", ["seed", "serve"])
def test_bad_database_fails_clearly(
    tmp_path: Path, env: dict[str, str], database: str, message: str, command: str
) -> None:
    result = _run(command, "--scenario", "small", "--database", database, env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_database_may_be_a_plain_path(tmp_path: Path, env: dict[str, str]) -> None:
    result = _run("seed", "--scenario", "small", "--database", "plain.db", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"sqlite:///{tmp_path.resolve()}/plain.db" in result.stdout
    assert (tmp_path / "plain.db").is_file()


def test_serve_on_busy_port_fails_fast(tmp_path: Path, env: dict[str, str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = _run(
            "serve",
            "--port",
            str(port),
            "--database",
            f"sqlite:///{tmp_path}/p.db",
            env=env,
            cwd=tmp_path,
        )
    assert result.returncode == 2
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port 0" in result.stderr
    assert not (tmp_path / "p.db").exists()


def test_token_for_unknown_user_fails_clearly(tmp_path: Path, env: dict[str, str]) -> None:
    url = f"sqlite:///{tmp_path}/u.db"
    _run("seed", "--scenario", "small", "--database", url, env=env, cwd=tmp_path)
    result = _run(
        "token",
        "--user",
        "ghost@nowhere.example",
        "--database",
        url,
        env={**env, "SYNERGY_MOCK_SCENARIO": "small"},
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "No user with e-mail 'ghost@nowhere.example'" in result.stderr
    assert "Traceback" not in result.stderr


def test_scenarios_lists_shipped(tmp_path: Path, env: dict[str, str]) -> None:
    result = _run("scenarios", env=env, cwd=tmp_path)
    assert result.returncode == 0
    names = re.findall(r"^(\S+)\s", result.stdout, flags=re.MULTILINE)
    assert names == ["default", "multi-org", "small"]


def test_bad_scenario_fails_without_traceback(tmp_path: Path, env: dict[str, str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("seed: 1\nstart: soon\norganisations: []\n", encoding="utf-8")
    result = _run(
        "seed",
        "--scenario",
        str(broken),
        "--database",
        f"sqlite:///{tmp_path}/b.db",
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "broken.yaml" in result.stderr
    assert "organisations:" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_fails_without_traceback(tmp_path: Path, env: dict[str, str]) -> None:
    result = _run("seed", env={**env, "SYNERGY_MOCK_CORS_MODE": "maybe"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "cors_mode" in result.stderr
    assert "Traceback" not in result.stderr


def test_apps_lists_keys(tmp_path: Path, env: dict[str, str]) -> None:
    url = f"sqlite:///{tmp_path}/apps.db"
    _run("seed", "--scenario", "small", "--database", url, env=env, cwd=tmp_path)
    listed = _run("apps", "--json", "--database", url, env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    apps = json.loads(listed.stdout)
    assert [a["applicationKey"] for a in apps] == ["testorg-app-public-key"]
    assert apps[0]["applicationSecret"] == "testorg-app-private-key-do-not-share"
    plain = _run("apps", "--database", url, env=env, cwd=tmp_path)
    assert "ApplicationSecret  testorg-app-private-key-do-not-share" in plain.stdout
