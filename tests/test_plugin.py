"""The pytest plugin, used as a user would: the guide's example project run in a fresh pytest."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from mock_server.store import Store
from mock_server.store.models import Organisation

from .servers import BIN, free_port, running

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "pytest.md"


def _example_project(tmp_path: Path) -> Path:
    """Write the guide's example test file into a project folder outside this repository."""
    text = GUIDE.read_text(encoding="utf-8")
    example = re.search(r"## A complete example.*?```python\n(.*?)```", text, flags=re.DOTALL)
    assert example, "the guide has no example test file"
    project = tmp_path / "integration"
    (project / "tests").mkdir(parents=True)
    (project / "tests" / "test_synergy_integration.py").write_text(example.group(1))
    return project


def _example_passed() -> str:
    """Return the summary pytest prints when every test of the guide's example passes."""
    count = len(re.findall(r"^def test_", GUIDE.read_text(encoding="utf-8"), flags=re.MULTILINE))
    return f"{count} passed"


def _pytest(project: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_example_passes_in_process(tmp_path: Path) -> None:
    output = _pytest(_example_project(tmp_path))
    assert _example_passed() in output


def test_example_passes_under_xdist(tmp_path: Path) -> None:
    output = _pytest(_example_project(tmp_path), "-n", "2")
    assert _example_passed() in output


GLOBAL_RULE_TEST = """
import requests


def test_timers_outage(synergy):
    synergy.faults.add("Timers", method="GET", status=503, any_organisation=True)
    reply = requests.get(f"{synergy.api_url}/Timers", headers=synergy.headers, timeout=10)
    assert reply.status_code == 503
"""


def test_example_passes_attached_to_serve(tmp_path: Path) -> None:
    port = free_port()
    command = [
        str(BIN / "synergy-mock"),
        "serve",
        "--port",
        str(port),
        "--database",
        f"sqlite:///{tmp_path}/shared.db",
        "--workers",
        "2",
    ]
    with running(command, port, tmp_path, {}) as server:
        project = _example_project(tmp_path)
        output = _pytest(project, "-n", "2", "--synergy-url", server.base_url)
        assert _example_passed() in output

        # A rule for every organisation is removed after its test, even on a shared server.
        (project / "tests" / "test_global_rule.py").write_text(GLOBAL_RULE_TEST)
        output = _pytest(project, "--synergy-url", server.base_url)
        assert f"{int(_example_passed().split()[0]) + 1} passed" in output
        assert requests.get(f"{server.base_url}/_mock/faults", timeout=10).json()["faults"] == []

    # Every test's namespace was deleted after it, leaving only the scenario's organisation.
    store = Store(f"sqlite:///{tmp_path}/shared.db")
    with store.session() as session:
        slugs = session.scalars(select(Organisation.slug)).all()
    store.dispose()
    assert slugs == ["fabrikam"]


def test_plugin_can_be_disabled(tmp_path: Path) -> None:
    project = _example_project(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:synergy_mock",
            "-p",
            "no:cacheprovider",
            "tests",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "fixture 'synergy' not found" in result.stdout


def test_failed_assert_called_lists_nearest(tmp_path: Path) -> None:
    project = tmp_path / "failing"
    (project / "tests").mkdir(parents=True)
    (project / "tests" / "test_wrong.py").write_text(
        "import requests\n\n"
        "def test_wrong_call(synergy):\n"
        "    requests.get(f'{synergy.api_url}/Organisation/{synergy.slug}/Staff',\n"
        "                 headers=synergy.headers, timeout=10)\n"
        "    synergy.journal.assert_called('GET', '*/Projects')\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SYNERGY_MOCK_SCENARIO": "small"},
    )
    assert result.returncode == 1
    assert "Expected GET */Projects at least once, got it 0 time(s)" in result.stdout
    assert "GET /api/v2/Organisation/testOrg/Staff" in result.stdout


@pytest.mark.parametrize("scenario", ["small"])
def test_marker_scenario_and_seed(tmp_path: Path, scenario: str) -> None:
    project = tmp_path / "marked"
    (project / "tests").mkdir(parents=True)
    (project / "tests" / "test_marked.py").write_text(
        "import pytest\n\n"
        f"@pytest.mark.synergy(scenario='{scenario}', seed=11)\n"
        "def test_marked(synergy):\n"
        "    assert synergy.slug == 'testOrg'\n"
        "    assert [u['email'] for u in synergy.users][0] == 'alex.admin@testorg.example'\n\n"
        "def test_unmarked(synergy):\n"
        "    assert synergy.slug == 'fabrikam'\n"
    )
    output = _pytest(project)
    assert "2 passed" in output
