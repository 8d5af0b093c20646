"""Measure how long `synergy-mock serve` takes until /_mock/health returns 200.

Runs the real command on the default scenario several times: first on an empty database (seeding
included), then on the seeded one. Prints the median and worst time of each.

    .venv/bin/python bench/serve_ready.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

CLI = str(Path(sys.executable).parent / "synergy-mock")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def time_to_health(database: str, home: str) -> float:
    """Start the server, return the seconds until health returns 200, then stop it by PID."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [CLI, "serve", "--port", str(port), "--database", database],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "HOME": home},
    )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            try:
                if requests.get(f"http://127.0.0.1:{port}/_mock/health", timeout=1).ok:
                    return time.perf_counter() - started
            except requests.ConnectionError:
                pass
            if time.perf_counter() - started > 30:
                raise RuntimeError("server not healthy within 30 s")
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    with tempfile.TemporaryDirectory() as folder:
        fresh, reused = [], []
        for run in range(runs):
            database = f"sqlite:///{folder}/ready-{run}.db"
            fresh.append(time_to_health(database, folder))
            reused.append(time_to_health(database, folder))
    for label, samples in (("empty database (seeds first)", fresh), ("seeded database", reused)):
        print(
            f"{label}: median {statistics.median(samples):.2f} s, "
            f"worst {max(samples):.2f} s over {runs} runs"
        )


if __name__ == "__main__":
    main()
