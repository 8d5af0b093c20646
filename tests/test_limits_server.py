"""Quotas and faults on a real gunicorn server: exact counts under load, latency, dropped calls."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from .conftest import ADMIN, fixture_keys, seed_file
from .servers import BIN, Server, free_port, running

ORG = "/api/v2/Organisation/testOrg"


def _serve(tmp_path: Path, workers: int, threads: int) -> Any:
    port = free_port()
    database = f"sqlite:///{tmp_path / 'limits.db'}"
    command = [
        str(BIN / "synergy-mock"),
        "serve",
        "--scenario",
        "small",
        "--database",
        database,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    env = {"HOME": str(tmp_path), "SYNERGY_MOCK_THREADS": str(threads)}
    return running(command, port, tmp_path, env), database


@pytest.fixture
def busy_server(tmp_path: Path) -> Iterator[tuple[Server, dict[str, str]]]:
    """Four workers of four threads each, on the small scenario."""
    context, database = _serve(tmp_path, workers=4, threads=4)
    with context as server:
        yield server, {"access-token": fixture_keys(database)[ADMIN]}


@pytest.fixture
def one_worker(tmp_path: Path) -> Iterator[tuple[Server, dict[str, str]]]:
    """One worker with four threads, so only threads can serve calls side by side."""
    context, database = _serve(tmp_path, workers=1, threads=4)
    with context as server:
        yield server, {"access-token": fixture_keys(database)[ADMIN]}


def _parallel_statuses(url: str, headers: dict[str, str], calls: int) -> Counter[int]:
    def call(_: int) -> int:
        with requests.Session() as session:
            return session.get(url, headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        return Counter(pool.map(call, range(calls)))


def test_quota_is_exact_under_concurrency(busy_server: tuple[Server, dict[str, str]]) -> None:
    server, headers = busy_server
    control = f"{server.base_url}/_mock/quota/testOrg"
    set_up = requests.post(control, json={"calls_limit": 37, "reset": True}, timeout=10)
    assert set_up.json()["remaining"]["calls"] == 37

    statuses = _parallel_statuses(f"{server.base_url}{ORG}/Projects", headers, 160)

    assert statuses == Counter({200: 37, 429: 123}), server.output()[-3000:]
    usage = requests.get(control, timeout=10).json()
    assert usage["used"]["calls"] == 37


def test_fault_fires_exactly_n_times_under_concurrency(
    busy_server: tuple[Server, dict[str, str]],
) -> None:
    server, headers = busy_server
    rule = {"path": "*/Contacts", "status": 503, "times": 5}
    created = requests.post(f"{server.base_url}/_mock/faults", json=rule, timeout=10).json()

    statuses = _parallel_statuses(f"{server.base_url}{ORG}/Contacts", headers, 60)

    assert statuses == Counter({200: 55, 503: 5}), server.output()[-3000:]
    listed = requests.get(f"{server.base_url}/_mock/faults", timeout=10).json()["faults"]
    assert [(r["id"], r["fired"], r["remaining"]) for r in listed] == [(created["id"], 5, 0)]


def test_latency_does_not_hold_up_other_calls(one_worker: tuple[Server, dict[str, str]]) -> None:
    server, headers = one_worker
    rule = {"path": "*/Projects", "latency_ms": 4000, "times": 1}
    requests.post(f"{server.base_url}/_mock/faults", json=rule, timeout=10)
    slow_status: list[int] = []
    slow = threading.Thread(
        target=lambda: slow_status.append(
            requests.get(
                f"{server.base_url}{ORG}/Projects", headers=headers, timeout=60
            ).status_code
        )
    )
    slow.start()
    # Wait until the slow call has matched the rule, so it is now sleeping in the worker.
    for _ in range(400):
        faults = requests.get(f"{server.base_url}/_mock/faults", timeout=10).json()["faults"]
        if faults[0]["fired"] == 1:
            break
        threading.Event().wait(0.01)
    else:
        pytest.fail("the slow call never reached the fault rule")

    quick = requests.get(f"{server.base_url}{ORG}/Contacts", headers=headers, timeout=60)

    assert quick.status_code == 200
    assert slow.is_alive(), "the quick call waited for the slow one"
    slow.join(timeout=60)
    assert slow_status == [200]


def test_dropped_connection(one_worker: tuple[Server, dict[str, str]]) -> None:
    server, headers = one_worker
    requests.post(
        f"{server.base_url}/_mock/faults",
        json={"path": "*/Projects", "drop": True, "times": 1},
        timeout=10,
    )
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.base_url}{ORG}/Projects", headers=headers, timeout=10)
    with pytest.raises(requests.ConnectionError):
        requests.get(
            f"{server.base_url}{ORG}/Contacts",
            headers={**headers, "X-Synergy-Mock-Fault": "drop"},
            timeout=10,
        )
    assert requests.get(f"{server.base_url}{ORG}/Projects", headers=headers, timeout=10).ok
    assert "Traceback" not in server.output()


def test_dropped_connection_in_process(tmp_path: Path) -> None:
    """The pytest plugin's in-process server (werkzeug) drops the connection too."""
    from werkzeug.serving import make_server

    from mock_server import create_app

    database = seed_file(tmp_path / "inproc.db", "small")
    app = create_app({"database_url": database})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    headers = {"access-token": fixture_keys(database)[ADMIN], "X-Synergy-Mock-Fault": "drop"}
    try:
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{base}{ORG}/Projects", headers=headers, timeout=10)
        del headers["X-Synergy-Mock-Fault"]
        assert requests.get(f"{base}{ORG}/Projects", headers=headers, timeout=10).ok
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["synergy_mock"].store.dispose()


def test_chunked_body_over_limit_is_413(one_worker: tuple[Server, dict[str, str]]) -> None:
    server, headers = one_worker

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(20):
            yield b"x" * 100_000
        yield b'"}'

    response = requests.put(
        f"{server.base_url}{ORG}/Contacts",
        data=chunks(),
        headers={**headers, "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413, response.text
    contacts = requests.get(f"{server.base_url}{ORG}/Contacts", headers=headers, timeout=10)
    assert "x" * 100 not in contacts.text


def test_quota_stays_exact_across_midnight(busy_server: tuple[Server, dict[str, str]]) -> None:
    server, headers = busy_server
    control = f"{server.base_url}/_mock"
    # 200 ms before midnight in Sydney, with the clock running.
    requests.post(
        f"{control}/clock",
        json={"organisation": "testOrg", "set": "2025-03-07T12:59:59.8Z"},
        timeout=10,
    )
    requests.post(f"{control}/quota/testOrg", json={"calls_limit": 5, "reset": True}, timeout=10)

    statuses = _parallel_statuses(f"{server.base_url}{ORG}/Staff", headers, 150)

    # At most five calls on each side of midnight.
    assert 5 <= statuses[200] <= 10, statuses
    assert statuses[200] + statuses[429] == 150


def _parallel_posts(url: str, headers: dict[str, str], bodies: list[Any]) -> Counter[int]:
    def call(body: Any) -> int:
        with requests.Session() as session:
            return session.post(url, json=body, headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        return Counter(pool.map(call, bodies))


def test_parallel_writes_keep_data_sound(busy_server: tuple[Server, dict[str, str]]) -> None:
    server, headers = busy_server
    hours = {
        "staffId": 101,
        "projectId": 20001,
        "stageId": 30001,
        "fromDateAsInt": 20250306,
        "units": 0.5,
    }
    posted = _parallel_posts(f"{server.base_url}{ORG}/Transactions", headers, [hours] * 40)
    assert posted == Counter({200: 40})
    week = requests.get(
        f"{server.base_url}{ORG}/Timesheet/Week",
        params={"DateAsInt": 20250306, "ContactId": 101},
        headers=headers,
        timeout=10,
    ).json()
    rows = [
        r for r in week["time"] if (r["projectId"], r["stageId"], r["taskId"]) == (20001, 30001, 0)
    ]
    assert [r["thu"] for r in rows] == [20]

    project = {"number": "RACE 1", "name": "Race"}
    created = Counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        created.update(
            pool.map(
                lambda _: (
                    requests.put(
                        f"{server.base_url}{ORG}/Projects",
                        json=project,
                        headers=headers,
                        timeout=60,
                    ).status_code
                ),
                range(30),
            )
        )
    assert created == Counter({200: 1, 400: 29})
