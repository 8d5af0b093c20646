"""Database engine and session handling for the emulator's single store."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event, false, inspect, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from .models import Base, MetaEntry

log = logging.getLogger(__name__)

# Bumped whenever the tables change shape; a database seeded by another version is seeded again.
SCHEMA_VERSION = "9"


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def build_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite files get WAL journaling and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)

    in_memory = parsed.database in (None, "", ":memory:")
    if in_memory:
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
    event.listen(engine, "connect", _enable_sqlite_pragmas)
    if not in_memory:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    return engine


def hold_write_lock(session: Session) -> None:
    """Take SQLite's write lock for the rest of ``session``'s transaction.

    A request that checks stored data and then writes holds the lock from the start, so no other
    worker writes in between. Two requests cannot both create project number ``P 1``, and hours
    added to a row at the same time add up. Other databases rely on their constraints.
    """
    if session.get_bind().dialect.name == "sqlite":
        # An UPDATE takes the write lock even when it matches no row.
        session.execute(update(MetaEntry).where(false()).values(value=MetaEntry.value))


class Store:
    """The database behind one app: an engine and a session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = build_engine(url)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session that commits on success and rolls back on any error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def create_tables(self) -> None:
        """Create every table that does not exist yet."""
        Base.metadata.create_all(self.engine)

    def drop_tables(self) -> None:
        """Drop every table the emulator owns."""
        Base.metadata.drop_all(self.engine)

    def read_meta(self) -> dict[str, str]:
        """Return the database's meta entries, or an empty dict if it has never been seeded."""
        if not inspect(self.engine).has_table(MetaEntry.__tablename__):
            return {}
        with self.session() as session:
            rows = session.scalars(select(MetaEntry)).all()
            return {row.key: row.value for row in rows}

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
