"""Control routes for daily quotas (``/_mock/quota``) and fault rules (``/_mock/faults``)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import delete, func, select

from .. import faults, quota
from ..clock import real_utcnow
from ..lifecycle import ControlError
from ..schemas.bodies import INT64_MAX, StrictBool
from ..store.models import FaultRule, Organisation
from . import _body, _organisation_id, _settings, _store, bp


class QuotaChange(Schema):
    """The changes ``POST /_mock/quota`` accepts; every member is optional."""

    class Meta:
        unknown = RAISE

    tier = fields.String(validate=validate.OneOf(sorted(quota.TIERS)))
    calls_limit = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**9))
    transactions_limit = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**9))
    enabled = StrictBool()
    reset = StrictBool()
    remaining = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**9))
    transactions_remaining = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**9))
    exhaust = fields.Raw()

    @validates_schema
    def check_exhaust(self, data: dict[str, Any], **_: Any) -> None:
        exhaust = data.get("exhaust")
        if not (
            exhaust is None or isinstance(exhaust, bool) or exhaust in ("calls", "transactions")
        ):
            raise ValidationError('Use true (or "calls") or "transactions".', "exhaust")


QUOTA_CHANGE = QuotaChange()


def _validation_error(error: ValidationError) -> ControlError:
    """Return a 400 that names each bad member of a control-plane body."""
    messages: Any = error.messages
    if not isinstance(messages, dict):
        messages = {"body": messages}
    problems = "; ".join(
        f"{name}: {' '.join(str(m) for m in found) if isinstance(found, list) else found}"
        for name, found in messages.items()
    )
    return ControlError(400, "invalid_body", problems)


def _quota_changes() -> dict[str, Any]:
    try:
        changes: dict[str, Any] = QUOTA_CHANGE.load(_body())
    except ValidationError as error:
        raise _validation_error(error) from None
    for remaining, limit in (
        ("remaining", "calls_limit"),
        ("transactions_remaining", "transactions_limit"),
    ):
        if remaining in changes and limit in changes and changes[remaining] > changes[limit]:
            raise ControlError(400, "invalid_body", f"{remaining} cannot be more than {limit}.")
    if changes.get("exhaust") == "calls":
        changes["exhaust"] = True
    return changes


def _organisations(slug: str | None) -> list[int]:
    if slug is not None:
        found = _organisation_id(slug)
        assert found is not None
        return [found]
    with _store().session() as session:
        return list(session.scalars(select(Organisation.id).order_by(Organisation.id)))


def _usage(organisation_ids: list[int]) -> list[dict[str, Any]]:
    zone = _settings().quota_timezone
    with _store().session() as session:
        return [
            quota.usage(session, session.get_one(Organisation, organisation_id), zone)
            for organisation_id in organisation_ids
        ]


def _change(organisation_ids: list[int], changes: dict[str, Any]) -> None:
    zone = _settings().quota_timezone
    with _store().session() as session:
        for organisation_id in organisation_ids:
            quota.change(session, session.get_one(Organisation, organisation_id), changes, zone)


def _quota_reply(organisation_ids: list[int], single: bool) -> Response:
    found = _usage(organisation_ids)
    body: dict[str, Any] = found[0] if single else {"quotas": found}
    body["counting"] = _settings().quota_enabled
    return jsonify(body)


@bp.get("/quota")
def read_quotas() -> Response:
    return _quota_reply(_organisations(None), single=False)


@bp.post("/quota")
def change_quotas() -> Response:
    changes = _quota_changes()
    organisation_ids = _organisations(None)
    _change(organisation_ids, changes)
    return _quota_reply(organisation_ids, single=False)


@bp.get("/quota/<slug>")
def read_quota(slug: str) -> Response:
    return _quota_reply(_organisations(slug), single=True)


@bp.post("/quota/<slug>")
def change_quota(slug: str) -> Response:
    changes = _quota_changes()
    organisation_ids = _organisations(slug)
    _change(organisation_ids, changes)
    return _quota_reply(organisation_ids, single=True)


@bp.get("/faults")
def list_faults() -> Response:
    organisation_id = _organisation_id(request.args.get("organisation"))
    with _store().session() as session:
        return jsonify({"faults": faults.list_rules(session, organisation_id)})


@bp.post("/faults")
def add_fault() -> Response:
    try:
        rule = faults.load_rule(_body())
    except ValidationError as error:
        raise _validation_error(error) from None
    organisation_id = _organisation_id(rule.get("organisation"))
    with _store().session() as session:
        if (session.scalar(select(func.count(FaultRule.id))) or 0) >= faults.MAX_RULES:
            raise ControlError(
                409,
                "too_many_rules",
                f"There are already {faults.MAX_RULES} fault rules; remove some first.",
            )
        row = faults.add_rule(session, rule, organisation_id, real_utcnow())
        slug = session.scalar(select(Organisation.slug).where(Organisation.id == organisation_id))
        created = faults.as_dict(row, slug)
    response = jsonify(created)
    response.status_code = 201
    return response


@bp.delete("/faults/<int:rule_id>")
def remove_fault(rule_id: int) -> Response:
    if rule_id > INT64_MAX:
        raise ControlError(404, "not_found", f"No fault rule {rule_id}.")
    with _store().session() as session:
        result: Any = session.execute(delete(FaultRule).where(FaultRule.id == rule_id))
        if result.rowcount == 0:
            raise ControlError(404, "not_found", f"No fault rule {rule_id}.")
    return jsonify({"status": "deleted", "id": rule_id})


@bp.delete("/faults")
def remove_faults() -> Response:
    organisation_id = _organisation_id(request.args.get("organisation"))
    statement = delete(FaultRule)
    if organisation_id is not None:
        statement = statement.where(FaultRule.organisation_id == organisation_id)
    with _store().session() as session:
        result: Any = session.execute(statement)
    return jsonify({"status": "deleted", "removed": int(result.rowcount or 0)})
