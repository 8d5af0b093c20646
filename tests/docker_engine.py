"""Build and run the project's image in a private Docker engine, and remove all of it afterwards.

The engine comes from a ``local-docker`` script, whose path is in ``SYNERGY_MOCK_LOCAL_DOCKER``:
``local-docker start`` starts a private dockerd (it needs root) and prints
``export DOCKER_HOST=...``, ``local-docker base python:3.11-slim`` imports a stand-in for the base
image, and ``local-docker stop`` stops dockerd. That engine has no bridge network, so images are
built with the classic builder and ``--network host``, and containers run with ``--network host``.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

TOOL_ENV = "SYNERGY_MOCK_LOCAL_DOCKER"
BASE_IMAGE = "python:3.11-slim"
ROOT = Path(__file__).resolve().parent.parent

# One engine session at a time on this machine, across pytest-xdist workers and separate runs,
# because they share one dockerd and the image ids one session records as its own.
LOCK_PATH = Path(tempfile.gettempdir()) / "synergy-mock-docker.lock"


class DockerError(RuntimeError):
    """A failed docker or local-docker command, with its command line and output in the message."""


def _run(command: list[str], env: dict[str, str], timeout: float) -> str:
    """Run ``command`` and return its stdout, or raise :class:`DockerError` when it fails."""
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise DockerError(f"{' '.join(command)} timed out after {timeout} s") from error
    if result.returncode != 0:
        raise DockerError(
            f"{' '.join(command)} failed with exit status {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


@dataclass
class Engine:
    """A running private dockerd, with what this session created on it."""

    tool: Path
    env: dict[str, str]
    started_daemon: bool = False
    created_base: bool = False
    images_before: set[str] = field(default_factory=set)
    tags: list[str] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)

    def docker(self, *args: str, timeout: float = 120) -> str:
        """Run a docker command against this engine and return its stdout."""
        return _run(["docker", *args], self.env, timeout)

    def image_ids(self) -> set[str]:
        return set(self.docker("images", "--all", "--quiet", "--no-trunc").split())

    def build(self, tag: str, *options: str, context: Path = ROOT) -> float:
        """Build the Dockerfile in ``context`` as ``tag`` and return the seconds it took."""
        self.tags.append(tag)
        started = time.monotonic()
        self.docker("build", "--network", "host", *options, "--tag", tag, str(context), timeout=900)
        return time.monotonic() - started

    def image_size(self, tag: str) -> int:
        """Return the image's size in bytes, base image layers included."""
        return int(self.docker("image", "inspect", "--format", "{{.Size}}", tag))

    def run(self, tag: str, *options: str) -> str:
        """Start a detached container of ``tag`` on the host network and return its id."""
        container = self.docker("run", "--detach", "--network", "host", *options, tag).strip()
        self.containers.append(container)
        return container

    def inspect(self, container: str) -> dict[str, object]:
        found: list[dict[str, object]] = json.loads(self.docker("inspect", container))
        return found[0]

    def wait_healthy(self, container: str, timeout: float = 120) -> float:
        """Poll Docker's health status until it is healthy and return the seconds it took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            state = self.docker(
                "inspect", "--format", "{{.State.Status}} {{.State.Health.Status}}", container
            ).split()
            if state[0] != "running":
                raise DockerError(f"container {state[0]}:\n{self.logs(container)}")
            if state[1] == "healthy":
                return time.monotonic() - started
            if state[1] == "unhealthy":
                probes = self.docker("inspect", "--format", "{{json .State.Health.Log}}", container)
                raise DockerError(
                    f"container unhealthy; last health checks: {probes}\n{self.logs(container)}"
                )
            time.sleep(0.1)
        raise DockerError(f"container not healthy after {timeout} s:\n{self.logs(container)}")

    def logs(self, container: str) -> str:
        result = subprocess.run(
            ["docker", "logs", container],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        return result.stdout + result.stderr

    def remove_created(self) -> list[str]:
        """Remove this session's containers (with their anonymous volumes) and images.

        Returns the failures, so that a cleanup error does not hide the test's own error.
        """
        failures = []
        for container in self.containers:
            try:
                self.docker("rm", "--force", "--volumes", container, timeout=60)
            except DockerError as error:
                failures.append(str(error))
        for tag in self.tags:
            try:
                self.docker("image", "rm", "--force", tag, timeout=60)
            except DockerError as error:
                if "No such image" not in str(error):
                    failures.append(str(error))
        # The classic builder keeps the build stage's images untagged. Removing an untagged image
        # that nothing builds on also removes its untagged parents, so each round removes the
        # current leaves until none of this session's images is left.
        for _ in range(20):
            try:
                left = self.image_ids() - self.images_before
                leaves = set(
                    self.docker(
                        "images", "--quiet", "--no-trunc", "--filter", "dangling=true"
                    ).split()
                )
            except DockerError as error:
                return [*failures, str(error)]
            if not left:
                break
            removable = sorted(left & leaves)
            if not removable:
                failures.append(f"images left that no untagged image leads to: {sorted(left)}")
                break
            for image in removable:
                try:
                    self.docker("image", "rm", image, timeout=60)
                except DockerError as error:
                    failures.append(str(error))
                    return failures
        else:
            failures.append(f"images still left after 20 rounds of removal: {sorted(left)}")
        if self.created_base:
            try:
                self.docker("image", "rm", BASE_IMAGE, timeout=60)
            except DockerError as error:
                failures.append(str(error))
        return failures


@contextmanager
def local_engine(tool: Path) -> Iterator[Engine]:
    """Start the private engine and the base image unless they exist, and undo only that.

    Holds :data:`LOCK_PATH` for the whole block. The containers and images the block creates,
    and the base image and dockerd when this call created them, are removed or stopped at the end.
    """
    LOCK_PATH.touch(exist_ok=True)
    with LOCK_PATH.open("r+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        env = dict(os.environ, DOCKER_BUILDKIT="0")
        # Every docker command goes to the private engine, never to one the caller's shell names.
        env.pop("DOCKER_HOST", None)
        engine = Engine(tool, env)
        connected = False
        try:
            status = subprocess.run(
                [str(tool), "status"], env=env, capture_output=True, text=True, check=False
            )
            engine.started_daemon = status.returncode != 0
            exported = _run([str(tool), "start"], env, timeout=600)
            match = re.search(r"^export DOCKER_HOST=(\S+)$", exported, flags=re.MULTILINE)
            if match is None:
                raise DockerError(f"{tool} start printed no DOCKER_HOST:\n{exported}")
            env["DOCKER_HOST"] = match.group(1)
            connected = True
            if shutil.which("docker", path=env.get("PATH")) is None:
                raise DockerError(f"{tool} start left no docker command on PATH")

            try:
                engine.docker("image", "inspect", BASE_IMAGE)
            except DockerError:
                engine.created_base = True
                _run([str(tool), "base", BASE_IMAGE], env, timeout=600)
            engine.images_before = engine.image_ids()
            yield engine
        finally:
            failures = engine.remove_created() if connected else []
            if engine.started_daemon:
                _run([str(tool), "stop"], env, timeout=120)
            if failures:
                raise DockerError("cleanup failed:\n" + "\n".join(failures))
