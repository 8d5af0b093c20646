"""Build the image in a real Docker engine, run it, and call the API it serves.

Runs when ``SYNERGY_MOCK_LOCAL_DOCKER`` names the ``local-docker`` script (``.ci/run`` sets it
when the script is present). Without it the test is skipped, except under ``CI=true``, where it
fails so that CI never passes without having built the image. Select it alone with ``-m docker``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import requests

from .docker_engine import TOOL_ENV, local_engine
from .servers import free_port
from .test_plugin import _example_passed as example_passed
from .test_plugin import _example_project as example_project
from .test_plugin import _pytest as run_pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.docker


def _require(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false, or fail under ``CI=true``."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so the Docker image test must run)")
    pytest.skip(reason)


def _mounted_scenarios(folder: Path) -> Path:
    """Write a copy of the small scenario under another name, with its own fixture file."""
    scenarios = folder / "scenarios"
    (scenarios / "fixtures").mkdir(parents=True)
    small = (ROOT / "scenarios" / "small.yaml").read_text(encoding="utf-8")
    assert "fixtures: [small]" in small
    (scenarios / "mounted.yaml").write_text(
        small.replace("fixtures: [small]", "fixtures: [mounted]"), encoding="utf-8"
    )
    shutil.copy(ROOT / "fixtures" / "small.yaml", scenarios / "fixtures" / "mounted.yaml")
    return scenarios


def test_image_builds_runs_and_serves(tmp_path: Path) -> None:
    tool = os.environ.get(TOOL_ENV, "")
    _require(bool(tool), f"{TOOL_ENV} is not set")
    _require(
        Path(tool).is_file() and os.access(tool, os.X_OK),
        f"{TOOL_ENV}={tool} is not an executable file",
    )
    _require(os.geteuid() == 0, "the private dockerd needs root")
    scenarios = _mounted_scenarios(tmp_path)
    tag = f"synergy-mock-test:{os.getpid()}"
    # --network host shares the host's interfaces, so each server binds loopback only.
    loopback = ("--env", "HOST=127.0.0.1")

    with local_engine(Path(tool)) as engine:
        engine.build(tag)

        # The default scenario, as a CI job runs it.
        port = free_port()
        container = engine.run(tag, *loopback, "--env", f"PORT={port}")
        engine.wait_healthy(container)
        base_url = f"http://127.0.0.1:{port}"

        health = requests.get(f"{base_url}/_mock/health", timeout=10)
        assert health.status_code == 200
        assert health.json()["scenario"] == "default"

        minted = json.loads(engine.docker("exec", container, "synergy-mock", "token", "--json"))
        assert minted["organisation"] == "fabrikam"
        projects = requests.get(
            f"{base_url}/api/v2/Organisation/fabrikam/Projects",
            params={"criteria.projectNumber": "C 100"},
            headers={"access-token": minted["key"]},
            timeout=10,
        )
        assert projects.status_code == 200
        assert [item["number"] for item in projects.json()["items"]] == ["C 100"]
        anonymous = requests.get(f"{base_url}/api/v2/Organisation/fabrikam/Projects", timeout=10)
        assert anonymous.status_code == 401

        output = run_pytest(example_project(tmp_path), "--synergy-url", base_url)
        assert example_passed() in output

        assert engine.docker("exec", container, "id", "-u").strip() == "10001"
        assert "synergy-mock.db" in engine.docker("exec", container, "ls", "/data").split()
        assert "pip" not in engine.docker("exec", container, "ls", "/opt/venv/bin").split()

        engine.docker("stop", container, timeout=60)
        state = engine.inspect(container)["State"]
        assert isinstance(state, dict)
        assert state["ExitCode"] == 0, engine.logs(container)

        # A scenario from the mounted folder, chosen by environment.
        port = free_port()
        container = engine.run(
            tag,
            *loopback,
            "--env",
            f"PORT={port}",
            "--env",
            "SYNERGY_MOCK_SCENARIO=mounted",
            "--volume",
            f"{scenarios}:/scenarios:ro",
        )
        engine.wait_healthy(container)
        health = requests.get(f"http://127.0.0.1:{port}/_mock/health", timeout=10)
        assert health.json()["scenario"] == "mounted"
        minted = json.loads(engine.docker("exec", container, "synergy-mock", "token", "--json"))
        assert minted["organisation"] == "testOrg"
