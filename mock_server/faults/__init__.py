"""Fault rules: make chosen API calls fail, stall, return broken bodies or drop the connection.

Rules live in the database, so every worker applies them. A rule limited to N calls is spent by
one conditional UPDATE, so it fires exactly N times however many workers serve the calls. A rule
with a probability draws from a generator seeded by the rule's seed and its match count, so a run
with the same calls in the same order fires on the same calls.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema
from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..journal import path_matches
from ..schemas.bodies import StrictBool
from ..store.models import FaultRule, Organisation

BODIES = ("malformed", "empty")
# OPTIONS is left out, because CORS preflights get their reply before any rule is read.
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")
MAX_RULES = 1000


@dataclass(frozen=True)
class Fault:
    """The effect on one call: a wait, then a status, a broken body or a dropped connection."""

    latency_ms: int = 0
    status: int | None = None
    message: str | None = None
    body: str | None = None
    drop: bool = False
    rule_id: int | None = None

    def describe(self) -> str:
        """Return a short account for the journal, such as ``rule 3: status 503``."""
        source = f"rule {self.rule_id}" if self.rule_id else HEADER
        effect = (
            f"status {self.status}"
            if self.status is not None
            else self.body or ("drop" if self.drop else "")
        )
        delay = f"latency {self.latency_ms} ms" if self.latency_ms else ""
        return f"{source}: {', '.join(part for part in (delay, effect) if part)}"

    @property
    def replaces_response(self) -> bool:
        """Return whether the call gets this fault instead of its normal response."""
        return self.status is not None or self.body is not None or self.drop


class RuleSchema(Schema):
    """A fault rule as ``POST /_mock/faults`` takes it."""

    class Meta:
        unknown = RAISE

    method = fields.String(validate=validate.OneOf(METHODS), allow_none=True)
    path = fields.String(required=True, validate=validate.Length(min=1, max=500))
    organisation = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    status = fields.Integer(strict=True, validate=validate.Range(min=200, max=599))
    message = fields.String(validate=validate.Length(max=500))
    latency_ms = fields.Integer(strict=True, validate=validate.Range(min=0, max=120_000))
    body = fields.String(validate=validate.OneOf(BODIES))
    drop = StrictBool()
    times = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=10**9))
    probability = fields.Float(validate=validate.Range(min=0, max=1))
    seed = fields.Integer(strict=True, validate=validate.Range(min=0, max=2**31 - 1))

    @pre_load
    def upper_case_method(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("method"), str):
            return {**data, "method": data["method"].upper()}
        return data

    @validates_schema
    def check_effect(self, data: dict[str, Any], **_: Any) -> None:
        effects = [name for name in ("status", "body", "drop") if data.get(name)]
        if len(effects) > 1:
            raise ValidationError(
                f"Give at most one of status, body and drop; got {', '.join(effects)}.", "status"
            )
        if not effects and not data.get("latency_ms"):
            raise ValidationError(
                "Give a status, a body (malformed or empty), drop: true, or latency_ms.", "status"
            )


RULE_SCHEMA = RuleSchema()


def load_rule(data: Any) -> dict[str, Any]:
    """Validate a rule; raise :class:`ValidationError` naming every bad member."""
    if not isinstance(data, dict):
        raise ValidationError({"body": ["The body must be a JSON object."]})
    loaded: dict[str, Any] = RULE_SCHEMA.load(data)
    return loaded


def add_rule(
    session: Session, rule: dict[str, Any], organisation_id: int | None, now: dt.datetime
) -> FaultRule:
    """Store a validated rule and return it."""
    row = FaultRule(
        method=rule.get("method"),
        path=rule["path"],
        organisation_id=organisation_id,
        status=rule.get("status"),
        message=rule.get("message"),
        latency_ms=rule.get("latency_ms", 0),
        body=rule.get("body"),
        drop=rule.get("drop", False),
        remaining=rule.get("times"),
        probability=rule.get("probability"),
        seed=rule.get("seed", 0),
        matched=0,
        fired=0,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def as_dict(row: FaultRule, slug: str | None) -> dict[str, Any]:
    """Return a rule as the control plane shows it."""
    return {
        "id": row.id,
        "method": row.method,
        "path": row.path,
        "organisation": slug,
        "status": row.status,
        "message": row.message,
        "latency_ms": row.latency_ms,
        "body": row.body,
        "drop": row.drop,
        "remaining": row.remaining,
        "probability": row.probability,
        "seed": row.seed,
        "matched": row.matched,
        "fired": row.fired,
        "active": row.remaining is None or row.remaining > 0,
    }


def list_rules(session: Session, organisation_id: int | None = None) -> list[dict[str, Any]]:
    """Return every rule (or one organisation's), oldest first."""
    statement = (
        select(FaultRule, Organisation.slug)
        .outerjoin(Organisation, Organisation.id == FaultRule.organisation_id)
        .order_by(FaultRule.id)
    )
    if organisation_id is not None:
        statement = statement.where(FaultRule.organisation_id == organisation_id)
    return [as_dict(rule, slug) for rule, slug in session.execute(statement).all()]


def _draw(seed: int, count: int) -> float:
    return random.Random(f"{seed}:{count}").random()


def next_fault(
    connection: Connection, method: str, path: str, organisation_id: int | None
) -> Fault | None:
    """Find the first active rule matching this call that fires, spend it, and return its fault.

    ``connection`` must not be in a transaction: each rule's counters are committed at once.
    """
    with connection.begin():
        rules = connection.execute(
            select(FaultRule)
            .where((FaultRule.remaining.is_(None)) | (FaultRule.remaining > 0))
            .order_by(FaultRule.id)
        ).all()
    for rule in rules:
        if rule.method and not _method_matches(rule.method, method):
            continue
        if rule.organisation_id is not None and rule.organisation_id != organisation_id:
            continue
        if not path_matches(path, rule.path):
            continue
        if _fires(connection, rule):
            return Fault(
                latency_ms=rule.latency_ms,
                status=rule.status,
                message=rule.message,
                body=rule.body,
                drop=rule.drop,
                rule_id=rule.id,
            )
    return None


def _method_matches(rule_method: str, method: str) -> bool:
    """Return whether a rule for ``rule_method`` covers ``method``. Flask serves HEAD as GET."""
    method = method.upper()
    return rule_method == method or (rule_method == "GET" and method == "HEAD")


def _fires(connection: Connection, rule: Any) -> bool:
    """Count a match of ``rule`` and spend one of its calls if it fires; return whether it did."""
    with connection.begin():
        counted = connection.execute(
            update(FaultRule)
            .where(FaultRule.id == rule.id)
            .values(matched=FaultRule.matched + 1)
            .returning(FaultRule.matched)
        ).scalar()
        if counted is None:
            return False
        if rule.probability is not None and _draw(rule.seed, counted) >= rule.probability:
            return False
        spend = update(FaultRule).where(FaultRule.id == rule.id)
        if rule.remaining is not None:
            spend = spend.where(FaultRule.remaining > 0).values(remaining=FaultRule.remaining - 1)
        result: Any = connection.execute(spend.values(fired=FaultRule.fired + 1))
        return bool(result.rowcount == 1)


HEADER = "X-Synergy-Mock-Fault"


def parse_header(value: str) -> Fault:
    """Read a one-call fault from the request header, such as ``503`` or ``latency=500, drop``.

    Raise :class:`ValueError` with a message for anything else.
    """
    latency = 0
    effects: list[tuple[str, int | None]] = []
    for part in (p.strip().lower() for p in value.replace(";", ",").split(",")):
        if not part:
            continue
        name, _, argument = part.partition("=")
        if _is_number(name):
            name, argument = "status", name
        if name == "status" and _is_number(argument) and 200 <= int(argument) <= 599:
            effects.append(("status", int(argument)))
        elif name == "latency" and _is_number(argument) and int(argument) <= 120_000:
            latency = int(argument)
        elif name in (*BODIES, "drop") and not argument:
            effects.append((name, None))
        else:
            raise ValueError(
                f"{HEADER} does not understand {part!r}. Use a status from 200 to 599 (503 or "
                "status=503), latency=<milliseconds up to 120000>, malformed, empty or drop, "
                "separated by commas."
            )
    if not effects and not latency:
        raise ValueError(f"{HEADER} is empty; give a status, latency, malformed, empty or drop.")
    if len(effects) > 1:
        raise ValueError(f"{HEADER} takes at most one of a status, malformed, empty and drop.")
    kind, status = effects[0] if effects else ("", None)
    return Fault(
        latency_ms=latency,
        status=status if kind == "status" else None,
        body=kind if kind in BODIES else None,
        drop=kind == "drop",
    )


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 9
