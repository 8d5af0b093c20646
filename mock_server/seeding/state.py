"""The seeding facts a database records about itself in its ``meta`` table."""

from __future__ import annotations

from typing import Any

from ..store import SCHEMA_VERSION, Store

META_SCENARIO = "scenario"
META_SEED = "seed"
META_START = "start"
META_FINGERPRINT = "fingerprint"
META_SCHEMA = "schema_version"
META_SEEDED_AT = "seeded_at"
# The snapshot a reset restores, and the clock readings to rewind to after restoring a snapshot.
META_RESET_SNAPSHOT = "reset_snapshot"
META_CLOCK_READINGS = "clock_readings"


def read_seed_state(store: Store) -> dict[str, Any] | None:
    """Return the loaded scenario's name, seed and start; ``None`` if the database is unseeded."""
    meta = store.read_meta()
    if meta.get(META_SCHEMA) != SCHEMA_VERSION or META_SCENARIO not in meta:
        return None
    return {
        "scenario": meta[META_SCENARIO],
        "seed": int(meta[META_SEED]),
        "start": meta[META_START] + "Z",
    }
