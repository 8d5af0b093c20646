"""Measure the Docker image: build time, size, and the time from `docker run` to healthy.

Needs root and the local-docker script (path in SYNERGY_MOCK_LOCAL_DOCKER), which starts a private
dockerd and a stand-in python:3.11-slim base image. Each run builds the image without the layer
cache, so pip downloads every dependency again. It then starts a container on a free loopback port
and polls every 50 ms, first GET /_mock/health until it returns 200, then Docker's health status
until it is healthy. Everything the script starts is removed at the end.

    SYNERGY_MOCK_LOCAL_DOCKER=PATH .venv/bin/python bench/docker_image.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.docker_engine import BASE_IMAGE, TOOL_ENV, Engine, local_engine
from tests.servers import free_port


def time_to_ready(engine: Engine, tag: str) -> tuple[float, float]:
    """Start a container; return the seconds until health returns 200 and until it is healthy."""
    port = free_port()
    started = time.perf_counter()
    container = engine.run(tag, "--env", "HOST=127.0.0.1", "--env", f"PORT={port}")
    answered = None
    while time.perf_counter() - started < 120:
        if answered is None:
            try:
                if requests.get(f"http://127.0.0.1:{port}/_mock/health", timeout=1).ok:
                    answered = time.perf_counter() - started
            except requests.ConnectionError:
                pass
        else:
            status = engine.docker("inspect", "--format", "{{.State.Health.Status}}", container)
            if status.strip() == "healthy":
                healthy = time.perf_counter() - started
                engine.docker("rm", "--force", "--volumes", container)
                engine.containers.remove(container)
                return answered, healthy
        time.sleep(0.05)
    raise RuntimeError(f"container not healthy within 120 s:\n{engine.logs(container)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="builds and starts to time")
    args = parser.parse_args()
    tool = os.environ.get(TOOL_ENV)
    if not tool:
        sys.exit(f"Set {TOOL_ENV} to the path of the local-docker script.")

    builds, sizes, answers, healthies = [], [], [], []
    with local_engine(Path(tool)) as engine:
        base_size = engine.image_size(BASE_IMAGE)
        for run in range(args.runs):
            tag = f"synergy-mock-bench:{os.getpid()}-{run}"
            builds.append(engine.build(tag, "--no-cache"))
            sizes.append(engine.image_size(tag))
            answered, healthy = time_to_ready(engine, tag)
            answers.append(answered)
            healthies.append(healthy)
            print(
                f"run {run + 1}: build {builds[-1]:.1f} s, {sizes[-1] / 1e6:.0f} MB, "
                f"health 200 after {answered:.2f} s, healthy after {healthy:.2f} s"
            )

    print(
        f"build (no layer cache): median {statistics.median(builds):.1f} s, "
        f"worst {max(builds):.1f} s"
    )
    size = statistics.median(sizes)
    print(
        f"image size: {size / 1e6:.0f} MB, of which {(size - base_size) / 1e6:.0f} MB on top of "
        f"the {base_size / 1e6:.0f} MB base image"
    )
    print(
        f"GET /_mock/health returns 200: median {statistics.median(answers):.2f} s, "
        f"worst {max(answers):.2f} s"
    )
    print(
        f"Docker reports healthy: median {statistics.median(healthies):.2f} s, "
        f"worst {max(healthies):.2f} s"
    )


if __name__ == "__main__":
    main()
