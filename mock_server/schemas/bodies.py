"""Request-body schemas for writes: wire names, types and the 400 errors for bad bodies.

Unknown members are ignored, as ASP.NET's JSON binding ignores them. Each problem is reported
under the member's wire name in ``modelState``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request

from ..errors import BadRequest


class DotNetDate(fields.Field):  # type: ignore[type-arg]
    """A date-time written the .NET way, such as ``2025-03-07T00:00:00``; read as naive local."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.datetime:
        if not isinstance(value, str):
            raise ValidationError("Expected a date-time string such as 2025-03-07T00:00:00.")
        text = value.strip().rstrip("Z")
        try:
            parsed = dt.datetime.fromisoformat(text[:26])
        except ValueError:
            raise ValidationError(
                f"'{value}' is not a date-time such as 2025-03-07T00:00:00."
            ) from None
        if not 1753 <= parsed.year <= 9998:
            raise ValidationError("Dates must fall between the years 1753 and 9998.")
        return parsed.replace(tzinfo=None)


class StrictBool(fields.Field):  # type: ignore[type-arg]
    """A JSON ``true`` or ``false``; strings and numbers are rejected."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Expected true or false.")
        return value


class StrictFloat(fields.Float):
    """A JSON number; strings such as ``"5"`` and booleans are rejected."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("Not a valid number.")
        result: float = super()._deserialize(value, attr, data, **kwargs)
        return result


INT64_MAX = 2**63 - 1


def _reference(**kwargs: Any) -> fields.Integer:
    """Return a field for the id of another record: a JSON integer that fits in 64 bits."""
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=INT64_MAX), **kwargs)


def _own_id() -> fields.Integer:
    """Return the field for a record's own ``id``."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=INT64_MAX))


class BodySchema(Schema):
    """Base of write bodies."""

    class Meta:
        unknown = EXCLUDE


def _text(max_length: int, min_length: int = 0, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=min_length, max=max_length), **kwargs)


class AddressBody(BodySchema):
    """A project's ``address`` object in a write."""

    address1 = _text(200, allow_none=True)
    address2 = _text(200, allow_none=True)
    town = _text(100, allow_none=True)
    state = _text(50, allow_none=True)
    zipCode = _text(20, allow_none=True, attribute="zip_code")
    country = _text(100, allow_none=True)
    latitude = StrictFloat(allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = StrictFloat(allow_none=True, validate=validate.Range(min=-180, max=180))


class ProjectBody(BodySchema):
    """A project in a PUT or POST; ``number`` and ``name`` are required when creating."""

    id = _own_id()
    number = _text(50, min_length=1)
    projectNumber = _text(50, min_length=1)
    name = _text(200, min_length=1)
    scope = fields.String(allow_none=True, validate=validate.Length(max=4000))
    statusName = _text(50)
    status = _text(50)
    startDate = DotNetDate(allow_none=True)
    endDate = DotNetDate(allow_none=True)
    isOfficeProject = StrictBool()
    isDefault = StrictBool()
    primaryContactId = _reference(allow_none=True)
    managerId = _reference(allow_none=True)
    clientReferenceNumber = _text(50, allow_none=True)
    office = _text(100, allow_none=True)
    address = fields.Nested(AddressBody, allow_none=True)


class TimerBody(BodySchema):
    """``POST Timers`` parameters, from the query string or a JSON body; all optional.

    Names are matched in lower case, as the vendor shows both ``Text`` and ``text``.
    """

    text = fields.String(validate=validate.Length(max=500), data_key="text")
    duration = fields.Integer(
        validate=validate.Range(min=0, max=10 * 365 * 86400), data_key="duration"
    )
    projectid = fields.Integer(validate=validate.Range(min=0, max=INT64_MAX), data_key="projectid")
    stageid = fields.Integer(validate=validate.Range(min=0, max=INT64_MAX), data_key="stageid")
    taskid = fields.Integer(validate=validate.Range(min=0, max=INT64_MAX), data_key="taskid")
    organisationid = fields.Integer(
        validate=validate.Range(min=1, max=INT64_MAX), data_key="organisationid"
    )
    groupid = fields.String(validate=validate.Length(max=36), data_key="groupid")


class StageBody(BodySchema):
    """A stage in a PUT or POST; ``name`` is required when creating."""

    id = _own_id()
    name = _text(100, min_length=1)
    phase = _text(100)


class TaskBody(BodySchema):
    """A task in a PUT or POST; ``name`` and ``stageId`` are required when creating."""

    id = _own_id()
    name = _text(100, min_length=1)
    stageId = _reference()


class DateAsInt(fields.Field):  # type: ignore[type-arg]
    """A date written as the integer ``yyyymmdd``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, bool) or not isinstance(value, int) or not 10_000_000 <= value:
            raise ValidationError("Expected a date as the number yyyymmdd, such as 20250307.")
        try:
            day = dt.datetime.strptime(str(value), "%Y%m%d").date()
        except ValueError:
            raise ValidationError(f"{value} is not a date written as yyyymmdd.") from None
        if not 1753 <= day.year <= 9998:
            raise ValidationError("Dates must fall between the years 1753 and 9998.")
        return day


class TransactionBody(BodySchema):
    """Hours to record: a staff member's time on a project stage for each day of a range."""

    staffId = _reference(required=True)
    projectId = _reference(required=True)
    stageId = _reference(required=True)
    taskId = _reference(allow_none=True)
    fromDateAsInt = DateAsInt(required=True)
    toDateAsInt = DateAsInt()
    units = StrictFloat(required=True, validate=validate.Range(min=0, max=24))


def _hours() -> fields.Float:
    return StrictFloat(validate=validate.Range(min=0, max=24))


class TimesheetRowBody(BodySchema):
    """A row of a staff member's week in a PUT or POST on ``Timesheet/Week``.

    ``dateAsInt``, ``projectId`` and ``stageId`` are required when creating; ``staffId`` defaults
    to the caller's own staff record.
    """

    groupId = fields.UUID()
    staffId = _reference()
    dateAsInt = DateAsInt()
    projectId = _reference()
    stageId = _reference()
    taskId = _reference(allow_none=True)
    note = _text(500, allow_none=True)
    mon = _hours()
    tue = _hours()
    wed = _hours()
    thu = _hours()
    fri = _hours()
    sat = _hours()
    sun = _hours()


class InvoiceContactBody(BodySchema):
    """One entry of ``invoiceContacts`` in a write."""

    contactId = _reference(required=True)
    attentionContactId = _reference(allow_none=True)
    invoicePercent = StrictFloat(validate=validate.Range(min=0, max=100))


class InvoiceBody(BodySchema):
    """An invoice in a PUT or POST; ``projectId`` is required when creating."""

    id = _own_id()
    projectId = _reference()
    status = fields.String(validate=validate.Regexp(r"^[A-Za-z_]{1,30}$"))
    text = fields.String(allow_none=True, validate=validate.Length(max=4000))
    totalExTax = StrictFloat(validate=validate.Range(min=-1e9, max=1e9))
    totalTax = StrictFloat(validate=validate.Range(min=-1e9, max=1e9))
    date = DotNetDate()
    from_ = DotNetDate(data_key="from")
    to = DotNetDate()
    dueDate = DotNetDate()
    invoiceTerm = _text(50)
    invoiceContacts = fields.List(fields.Nested(InvoiceContactBody))


class ContactBody(BodySchema):
    """A contact in a PUT or POST; ``name`` or a first and last name is required when creating."""

    id = _own_id()
    kind = fields.String(validate=validate.OneOf(["company", "personnel", "individual"]))
    contactTypeId = fields.Integer(strict=True, validate=validate.OneOf([30, 31, 32]))
    name = _text(200, min_length=1)
    firstName = _text(100, allow_none=True)
    lastName = _text(100, allow_none=True)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    web = _text(200, allow_none=True)
    jobTitle = _text(100, allow_none=True)
    companyId = _reference(allow_none=True)
    isActive = StrictBool()
    salutation = _text(20, allow_none=True)
    phones = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))


MAX_JSON_DEPTH = 32


def read_json(request: Request, max_bytes: int) -> Any:
    """Return the request's body decoded as JSON, or ``None`` when it is empty or not JSON.

    Raise :class:`RequestEntityTooLarge` for a chunked body that reaches ``max_bytes``, and
    :class:`ValueError` naming the problem for JSON that decodes but cannot be stored.
    """
    # A chunked body has no Content-Length, and werkzeug stops reading it at the limit. A body
    # that fills the limit is therefore taken as too large rather than as cut-off JSON.
    raw = request.get_data(cache=True)
    if request.content_length is None and len(raw) >= max_bytes:
        raise RequestEntityTooLarge()
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        return None
    problem = json_problem(data) if data is not None else None
    if problem:
        raise ValueError(problem)
    return data


def json_problem(data: Any) -> str | None:
    """Return what makes decoded JSON unusable (too deep, or a lone surrogate), or ``None``."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str | dict) and _has_surrogate(value):
            return "The body contains a lone UTF-16 surrogate, which is not valid Unicode."
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                return f"The body nests objects and arrays more than {MAX_JSON_DEPTH} deep."
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
    return None


def _has_surrogate(value: str | dict[Any, Any]) -> bool:
    texts = [value] if isinstance(value, str) else [k for k in value if isinstance(k, str)]
    try:
        for text in texts:
            text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def load_body(schema: Schema, data: Any) -> dict[str, Any]:
    """Validate a decoded JSON body; raise :class:`BadRequest` naming every bad member."""
    if not isinstance(data, dict):
        raise BadRequest.for_field("body", "The body must be a JSON object.")
    try:
        loaded: dict[str, Any] = schema.load(data)
    except ValidationError as error:
        raise BadRequest(_flatten(error.messages)) from None
    return loaded


MARSHMALLOW_REQUIRED = "Missing data for required field."
REQUIRED = "The field is required."


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                state.update(_flatten(value, name))
            else:
                problems = value if isinstance(value, list) else [value]
                # The same wording as the checks made after loading.
                state[name] = [REQUIRED if p == MARSHMALLOW_REQUIRED else str(p) for p in problems]
    return state
