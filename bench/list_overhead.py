"""Compare a Projects list call with a bare Flask route that reads the same 10 rows.

Both apps run in this process on the same seeded default scenario and are called through Flask's
test client. The figures therefore compare the apps' own work (routing, auth, queries,
serialisation, journal) and leave out the network and gunicorn, which both would share. The
budget is that the emulator costs at most 25% more than the bare route.

    .venv/bin/python bench/list_overhead.py [--calls N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable

from flask import Flask, jsonify
from flask.testing import FlaskClient
from sqlalchemy import select

from mock_server import create_app
from mock_server.config import load_settings
from mock_server.seeding import seed_if_needed
from mock_server.store import Store
from mock_server.store.models import Project


def bare_app(url: str) -> Flask:
    """A minimal Flask app that reads the first 10 active projects and returns a few fields."""
    app = Flask("bare")
    store = Store(url)

    @app.get("/projects")
    def projects() -> object:
        with store.session() as session:
            rows = session.scalars(
                select(Project).where(Project.is_active.is_(True)).order_by(Project.id).limit(10)
            ).all()
            return jsonify([{"id": p.id, "number": p.number, "name": p.name} for p in rows])

    return app


def time_calls(call: Callable[[], object], calls: int) -> list[float]:
    for _ in range(50):
        call()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    calls = parser.parse_args().calls

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        seed_if_needed(load_settings({"database_url": url, "scenario": "default"}))
        key = Store(url).read_meta()["default_key"]
        emulator = create_app({"database_url": url}).test_client()
        # Calls are still counted against the quota, but 1,000 calls must not end in 429s.
        emulator.post("/_mock/quota/fabrikam", json={"enabled": False})
        uncounted = create_app({"database_url": url, "quota_enabled": False}).test_client()
        bare = bare_app(url).test_client()

        def list_projects(client: FlaskClient) -> Callable[[], object]:
            def call() -> object:
                response = client.get(
                    "/api/v2/Organisation/fabrikam/Projects", headers={"access-token": key}
                )
                assert response.status_code == 200, response.get_data(as_text=True)
                return response

            return call

        def bare_projects() -> object:
            return bare.get("/projects")

        emulated = time_calls(list_projects(emulator), calls)
        without_quota = time_calls(list_projects(uncounted), calls)
        baseline = time_calls(bare_projects, calls)

    emulated_median = statistics.median(emulated)
    baseline_median = statistics.median(baseline)
    print(f"bare route: median {baseline_median:.2f} ms over {calls} calls")
    print(f"Projects list: median {emulated_median:.2f} ms over {calls} calls")
    print(
        f"Projects list, quota counting off: median {statistics.median(without_quota):.2f} ms "
        f"over {calls} calls"
    )
    print(f"overhead: {(emulated_median / baseline_median - 1) * 100:.0f}% (budget 25%)")


if __name__ == "__main__":
    main()
