"""Measure a per-test reset of the default scenario, in process and over HTTP.

In process calls the reset service directly; over HTTP sends POST /_mock/reset to a real
`synergy-mock serve` on a free loopback port. Between resets, each round makes a few API calls
so there is something to undo. Prints the median and 95th percentile of each.

    .venv/bin/python bench/reset.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_ready import CLI, free_port  # noqa: E402

from mock_server import lifecycle  # noqa: E402
from mock_server.config import load_settings  # noqa: E402
from mock_server.seeding import seed_if_needed  # noqa: E402
from mock_server.store import Store  # noqa: E402


def summary(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"{label}: median {statistics.median(samples):.2f} ms, "
        f"95th percentile {p95:.2f} ms over {len(samples)} resets"
    )


def in_process(folder: str, rounds: int) -> list[float]:
    url = f"sqlite:///{folder}/in-process.db"
    seed_if_needed(load_settings({"database_url": url, "scenario": "default"}))
    store = Store(url)
    samples = []
    try:
        for _ in range(rounds):
            lifecycle.mint_token(
                store, load_settings({"database_url": url}), "sam.standard@fabrikam.example", 3
            )
            started = time.perf_counter()
            lifecycle.reset(store)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        store.dispose()
    return samples


def over_http(folder: str, rounds: int) -> list[float]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [CLI, "serve", "--port", str(port), "--database", f"sqlite:///{folder}/http.db"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "HOME": folder},
    )
    session = requests.Session()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if session.get(f"{base}/_mock/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        key = session.post(f"{base}/_mock/reset", timeout=10).json()["key"]
        samples = []
        for _ in range(rounds):
            session.get(
                f"{base}/api/v2/Organisation/fabrikam/Projects",
                headers={"access-token": key},
                timeout=10,
            )
            session.post(f"{base}/_mock/clock", json={"advance_seconds": 60}, timeout=10)
            started = time.perf_counter()
            response = session.post(f"{base}/_mock/reset", timeout=10)
            samples.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
        return samples
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        print(summary("in process", in_process(folder, rounds)))
        print(summary("over HTTP", over_http(folder, rounds)))


if __name__ == "__main__":
    main()
