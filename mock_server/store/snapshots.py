"""Snapshots of a SQLite store: whole-database copies taken and restored with SQLite's backup API.

A snapshot of the default scenario (about 0.5 MB) restores in a few milliseconds, which is what
makes a reset before every test cheap. Snapshots of a file database live in a folder beside it
(``synergy-mock.db.snapshots/``), so every worker process uses the same ones. An in-memory
database keeps them in memory. Other databases have no snapshots.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path

from sqlalchemy.engine import make_url

from . import Store

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")
SCENARIO_SNAPSHOT = "_scenario"


class SnapshotError(Exception):
    """A snapshot could not be taken or restored; ``status`` is the HTTP status to report."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


_memory_snapshots: dict[tuple[str, str], sqlite3.Connection] = {}
_memory_lock = threading.Lock()


def is_sqlite(store: Store) -> bool:
    """Return whether ``store`` is a SQLite database, the only kind with snapshots."""
    return make_url(store.url).get_backend_name() == "sqlite"


def import_file(store: Store, name: str, path: Path) -> None:
    """Keep the SQLite file at ``path`` as snapshot ``name`` of ``store``."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _keep(store, name, source)
    finally:
        source.close()


def database_file(store: Store) -> Path | None:
    """Return the SQLite file behind ``store``, or ``None`` for an in-memory database."""
    url = make_url(store.url)
    if url.get_backend_name() != "sqlite":
        raise SnapshotError("Snapshots need a SQLite database; this store is not SQLite.", 501)
    if url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).resolve()


def snapshot_path(store: Store, name: str) -> Path | None:
    """Return where snapshot ``name`` is kept, or ``None`` if snapshots live in memory."""
    if not NAME_PATTERN.match(name):
        raise SnapshotError(
            f"Invalid snapshot name {name!r}: use up to 64 letters, digits, '.', '_' or '-'.", 400
        )
    database = database_file(store)
    if database is None:
        return None
    folder = database.with_name(database.name + ".snapshots")
    folder.mkdir(exist_ok=True)
    return folder / f"{name}.db"


def exists(store: Store, name: str) -> bool:
    """Return whether snapshot ``name`` has been taken."""
    path = snapshot_path(store, name)
    if path is None:
        return (store.url, name) in _memory_snapshots
    return path.is_file()


def take(store: Store, name: str) -> None:
    """Copy the whole database into snapshot ``name``, replacing an older one of that name."""
    snapshot_path(store, name)
    raw = store.engine.raw_connection()
    try:
        live = raw.driver_connection
        assert isinstance(live, sqlite3.Connection)  # checked by snapshot_path
        _keep(store, name, live)
    finally:
        raw.close()


def restore(store: Store, name: str) -> None:
    """Replace the whole database with snapshot ``name``."""
    path = snapshot_path(store, name)
    if path is None:
        with _memory_lock:
            source = _memory_snapshots.get((store.url, name))
        if source is None:
            raise SnapshotError(f"Snapshot {name!r} not found.", 404)
        _copy_into_live(store, source)
        return
    if not path.is_file():
        raise SnapshotError(f"Snapshot {name!r} not found.", 404)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _copy_into_live(store, source)
    finally:
        source.close()


def _keep(store: Store, name: str, source: sqlite3.Connection) -> None:
    """Copy ``source`` into snapshot ``name``: a file beside the database, or memory."""
    path = snapshot_path(store, name)
    if path is None:
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        source.backup(copy)
        with _memory_lock:
            _memory_snapshots[(store.url, name)] = copy
        return
    _write_file(source, path)


def _write_file(source: sqlite3.Connection, path: Path) -> None:
    """Copy ``source`` into a self-contained file at ``path``, replacing it in one step."""
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    destination = sqlite3.connect(partial)
    try:
        source.backup(destination)
        # A snapshot is a plain file: no write-ahead log beside it.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
    partial.replace(path)


def _copy_into_live(store: Store, source: sqlite3.Connection) -> None:
    raw = store.engine.raw_connection()
    try:
        live = raw.driver_connection
        assert isinstance(live, sqlite3.Connection)
        source.backup(live)
    finally:
        raw.close()
