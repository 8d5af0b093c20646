"""The README and docs stay true to the code."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import fields
from pathlib import Path
from typing import Any

from mock_server import create_app
from mock_server.config import Settings

from .conftest import fixture_keys, seed_file

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_readme_table() -> None:
    section = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert sorted(documented) == sorted(f.name for f in fields(Settings))


def test_readme_key_is_default_admin_key(tmp_path: Path) -> None:
    keys = fixture_keys(seed_file(tmp_path / "d.db", "default"))
    printed = re.search(r"^KEY=(\S+)$", README, flags=re.MULTILINE)
    assert printed
    assert printed.group(1) == keys["alex.admin@fabrikam.example"]


def test_readme_test_command_is_what_ci_runs() -> None:
    command = re.search(r"## Running the tests\n\n```sh\n(.+)\n```", README)
    assert command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command.group(1) in ci.splitlines()


def test_fidelity_names_every_response_setting() -> None:
    fidelity = (ROOT / "docs" / "fidelity.md").read_text(encoding="utf-8")
    for name in (
        "cors_mode",
        "accept_bearer",
        "accept_any_slug",
        "myslug_alias",
        "error_include_error_key",
        "forbidden_status",
        "default_page_size",
        "max_page_size",
        "project_field_aliases",
        "projects_active_only_default",
        "projects_live_like_filters",
        "staff_emit_updated_date",
        "contact_email_aliases",
        "timers_vendor_paging",
        "secret_key",
        "anchor",
    ):
        assert f"`{name}" in fidelity, name


def _readme_writes() -> list[tuple[str, str, dict[str, Any]]]:
    """Return the method, path and body of each curl command under "Writing records"."""
    section = README.split("## Writing records", 1)[1].split("\n## ", 1)[0]
    script = section.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = []
    for command in script.replace("\\\n", " ").splitlines():
        if not command.startswith("curl"):
            continue
        words = shlex.split(command.split("  #", 1)[0])
        url = next(w for w in words if w.startswith("$BASE"))
        body = json.loads(words[words.index("-d") + 1])
        commands.append((words[words.index("-X") + 1], url.replace("$BASE", "/api/v2"), body))
    return commands


def test_readme_write_examples_succeed(tmp_path: Path) -> None:
    url = seed_file(tmp_path / "d.db", "default")
    key = fixture_keys(url)["alex.admin@fabrikam.example"]
    client = create_app({"database_url": url}).test_client()
    examples = _readme_writes()
    assert {method for method, _, _ in examples} == {"PUT", "POST"}
    for method, path, body in examples:
        response = client.open(path, method=method, json=body, headers={"access-token": key})
        assert response.status_code == 200, (path, response.get_json())
