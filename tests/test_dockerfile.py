"""The Dockerfile and gunicorn.conf.py: lint, and the image's command run outside Docker.

These tests read the command, the environment and the health check from the Dockerfile's last
stage and run them with the test environment's gunicorn on a free loopback port.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
import requests
import yaml

from mock_server.config import Settings

from .conftest import fixture_keys
from .servers import BIN, free_port, running

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"

# Variables a shell or CI runner may set that would change what the image's command does.
PLATFORM_VARIABLES = ("HOST", "PORT", "WEB_CONCURRENCY")


@dataclass
class FinalStage:
    """What the Dockerfile's last stage sets: its command, environment and health check."""

    command: list[str]
    env: dict[str, str]
    healthcheck: list[str]


def read_final_stage(path: Path = DOCKERFILE) -> FinalStage:
    """Parse the last stage. ``CMD`` and ``HEALTHCHECK`` must be written as JSON arrays."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    last_from = max(i for i, line in enumerate(instructions) if line.upper().startswith("FROM "))

    command: list[str] = []
    env: dict[str, str] = {}
    healthcheck: list[str] = []
    for line in instructions[last_from + 1 :]:
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "CMD":
            command = json.loads(rest)
        elif keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
        elif keyword == "HEALTHCHECK":
            healthcheck = json.loads(rest.split(" CMD ", 1)[1])
    return FinalStage(command, env, healthcheck)


def container_env(stage: FinalStage, tmp_path: Path, **changes: str) -> dict[str, str]:
    """Return the image's environment for a process outside Docker, with ``changes`` applied.

    The database and the scenario folders move into ``tmp_path``. ``PATH`` stays the test
    environment's, and platform variables inherited from the caller's shell are removed.
    """
    home = tmp_path / "home"
    scenarios = tmp_path / "scenarios"
    (scenarios / "fixtures").mkdir(parents=True, exist_ok=True)
    home.mkdir(exist_ok=True)
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in PLATFORM_VARIABLES and not name.startswith("SYNERGY_MOCK_")
    }
    image = {name: value for name, value in stage.env.items() if name != "PATH"}
    return {
        **inherited,
        **image,
        "HOME": str(home),
        "XDG_RUNTIME_DIR": "",
        "SYNERGY_MOCK_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'synergy-mock.db'}",
        "SYNERGY_MOCK_SCENARIO_DIRS": str(scenarios),
        "SYNERGY_MOCK_FIXTURE_DIRS": str(scenarios / "fixtures"),
        **changes,
    }


def app_folder(tmp_path: Path) -> Path:
    """Return a folder holding only gunicorn.conf.py, as the image's working folder does."""
    folder = tmp_path / "app"
    folder.mkdir(exist_ok=True)
    (tmp_path / "data").mkdir(exist_ok=True)
    shutil.copy(ROOT / "gunicorn.conf.py", folder)
    return folder


def local_command(stage: FinalStage) -> list[str]:
    """Return the image's command with its program taken from the test environment."""
    program = shutil.which(stage.command[0], path=str(BIN)) or stage.command[0]
    return [program, *stage.command[1:]]


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    assert hadolint, "hadolint not found; install the test extra: pip install -e '.[test]'"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "warning", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_final_stage_is_parsed() -> None:
    stage = read_final_stage()
    assert stage.command[0] == "gunicorn"
    assert "gunicorn.conf.py" in stage.command
    assert stage.env["SYNERGY_MOCK_DATABASE_URL"] == "sqlite:////data/synergy-mock.db"
    assert stage.env["SYNERGY_MOCK_SCENARIO_DIRS"] == "/scenarios"
    assert stage.healthcheck[0] == "python"


def test_image_command_serves_outside_docker(tmp_path: Path) -> None:
    stage = read_final_stage()
    port = free_port()
    env = container_env(stage, tmp_path, HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="1")
    with running(local_command(stage), port, app_folder(tmp_path), env) as server:
        output = server.output()
        assert f"Listening at: http://127.0.0.1:{port}" in output
        assert output.count("Booting worker") == 1
        # The emulator's own log reaches the container log too.
        assert "INFO mock_server.seeding: Seeded scenario default" in output

        health = requests.get(f"{server.base_url}/_mock/health", timeout=5)
        assert health.status_code == 200
        assert health.json()["scenario"] == "default"

        key = fixture_keys(env["SYNERGY_MOCK_DATABASE_URL"])["alex.admin@fabrikam.example"]
        projects = requests.get(
            f"{server.base_url}/api/v2/Organisation/fabrikam/Projects",
            params={"criteria.projectNumber": "C 100"},
            headers={"access-token": key},
            timeout=10,
        )
        assert projects.status_code == 200
        assert [item["number"] for item in projects.json()["items"]] == ["C 100"]

        probe = subprocess.run(stage.healthcheck, env=env, capture_output=True, timeout=30)
        assert probe.returncode == 0, probe.stderr

    probe = subprocess.run(stage.healthcheck, env=env, capture_output=True, timeout=30)
    assert probe.returncode != 0
    assert not (tmp_path / "home" / ".gunicorn").exists()


def test_image_reseeds_unless_told_to_keep(tmp_path: Path) -> None:
    stage = read_final_stage()
    folder = app_folder(tmp_path)

    def start(**changes: str) -> tuple[list[str], int, Path, dict[str, str]]:
        port = free_port()
        env = container_env(
            stage,
            tmp_path,
            HOST="127.0.0.1",
            PORT=str(port),
            WEB_CONCURRENCY="1",
            SYNERGY_MOCK_SCENARIO="small",
            **changes,
        )
        return local_command(stage), port, folder, env

    def contact_status(base_url: str, contact_id: int, key: str) -> int:
        url = f"{base_url}/api/v2/Organisation/testOrg/Contacts/{contact_id}"
        return requests.get(url, headers={"access-token": key}, timeout=10).status_code

    with running(*start()) as server:
        url = container_env(stage, tmp_path)["SYNERGY_MOCK_DATABASE_URL"]
        key = fixture_keys(url)["alex.admin@testorg.example"]
        created = requests.put(
            f"{server.base_url}/api/v2/Organisation/testOrg/Contacts",
            json={"kind": "company", "name": "Kept Across Restarts Ltd"},
            headers={"access-token": key},
            timeout=10,
        )
        assert created.status_code == 200, created.text
        contact_id = created.json()["id"]

    with running(*start(SYNERGY_MOCK_RESEED="false")) as server:
        assert contact_status(server.base_url, contact_id, key) == 200

    with running(*start()) as server:
        assert contact_status(server.base_url, contact_id, key) == 404


@pytest.mark.parametrize(
    ("platform", "bind", "workers"),
    [
        ({}, "0.0.0.0:8080", 2),
        ({"HOST": "127.0.0.1", "PORT": "9001", "WEB_CONCURRENCY": "3"}, "127.0.0.1:9001", 3),
        ({"PORT": ""}, "0.0.0.0:8080", 2),
        ({"PORT": " 9002 "}, "0.0.0.0:9002", 2),
        ({"SYNERGY_MOCK_PORT": "9003", "SYNERGY_MOCK_WORKERS": "4"}, "0.0.0.0:9003", 4),
        ({"SYNERGY_MOCK_PORT": "9003", "PORT": "9004"}, "0.0.0.0:9004", 2),
    ],
)
def test_gunicorn_conf_reads_platform_variables(
    tmp_path: Path, platform: dict[str, str], bind: str, workers: int
) -> None:
    stage = read_final_stage()
    printed = subprocess.run(
        [*local_command(stage), "--print-config"],
        cwd=app_folder(tmp_path),
        env=container_env(stage, tmp_path, **platform),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert printed.returncode == 0, printed.stderr
    settings = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("=") for line in printed.stdout.splitlines())
    )
    assert settings["bind"] == repr([bind])
    assert settings["workers"] == str(workers)
    assert settings["control_socket_disable"] == "True"


def test_gunicorn_conf_rejects_bad_port(tmp_path: Path) -> None:
    stage = read_final_stage()
    printed = subprocess.run(
        [*local_command(stage), "--print-config"],
        cwd=app_folder(tmp_path),
        env=container_env(stage, tmp_path, PORT="eighty"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert printed.returncode != 0
    assert "Setting port must be a whole number, not 'eighty'" in printed.stderr


def test_compose_file_builds_this_image() -> None:
    stage = read_final_stage()
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    service = compose["services"]["synergy-mock"]
    port = stage.env["SYNERGY_MOCK_PORT"]
    assert service["build"] == "."
    assert service["ports"] == [f"127.0.0.1:{port}:{port}"]
    assert "synergy-mock-data:/data" in service["volumes"]
    assert "synergy-mock-data" in compose["volumes"]
    for name in service["environment"]:
        assert name in stage.env, name


def test_ci_recipes_are_valid_yaml() -> None:
    guide = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", guide, flags=re.DOTALL)
    assert len(blocks) == 4
    for block in blocks:
        assert isinstance(yaml.safe_load(block), dict), block
    pytest_lines = re.findall(r"^.*\bpytest --.*$", guide, flags=re.MULTILINE)
    assert len(pytest_lines) == 3
    for line in pytest_lines:
        assert "--synergy-url http://" in line, line


def test_image_docs_name_only_real_settings() -> None:
    known = {f"SYNERGY_MOCK_{field.name.upper()}" for field in fields(Settings)}
    # Variables of the pytest plugin and of this test suite, not settings of the server.
    known |= {"SYNERGY_MOCK_URL", "SYNERGY_MOCK_LOCAL_DOCKER"}
    for path in (ROOT / "docs" / "ci.md", ROOT / "README.md", DOCKERFILE):
        named = set(re.findall(r"SYNERGY_MOCK_[A-Z_]*[A-Z]", path.read_text(encoding="utf-8")))
        assert named - known == set(), path.name
