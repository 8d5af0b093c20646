"""Query-string schemas: parameter names, value formats and the 400 errors for bad values.

The real API binds query parameters to an ASP.NET filter object, so names match in any case and
with or without one leading ``criteria.``. :func:`normalise_args` lowers the keys and strips that
prefix; the schemas below then declare each parameter once, by its lower-case name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load
from werkzeug.datastructures import MultiDict

from ..errors import BadRequest

CRITERIA_PREFIX = "criteria."
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
# Ids are 64-bit integers ("long") on the real server.
INT64_MAX = 2**63 - 1
_DATE_ONLY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Dates outside these years cannot be moved to another zone or week without overflowing.
EARLIEST, LATEST = dt.date(1753, 1, 1), dt.date(9998, 12, 31)
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?$", re.ASCII
)


def normalise_args(args: MultiDict[str, str]) -> MultiDict[str, str]:
    """Return ``args`` with lower-case keys and one leading ``criteria.`` removed from each."""
    normalised: MultiDict[str, str] = MultiDict()
    for key, value in args.items(multi=True):
        name = key.strip().lower()
        if name.startswith(CRITERIA_PREFIX):
            name = name[len(CRITERIA_PREFIX) :]
        normalised.add(name, value)
    return normalised


def _invalid(value: Any, name: str) -> str:
    return f"The value '{value}' is not valid for {name}."


class QueryField(fields.Field):  # type: ignore[type-arg]
    """Base of query fields; ``wire_name`` is the documented parameter name used in errors."""

    def __init__(self, wire_name: str, **kwargs: Any) -> None:
        super().__init__(load_default=None, **kwargs)
        self.wire_name = wire_name

    def invalid(self, value: Any, problem: str | None = None) -> ValidationError:
        return ValidationError(problem or _invalid(value, self.wire_name))


class QueryInt(QueryField):
    """A whole number, optionally bounded."""

    def __init__(self, wire_name: str, *, minimum: int | None = None, **kwargs: Any) -> None:
        super().__init__(wire_name, **kwargs)
        self.minimum = minimum

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        text = str(value).strip()
        if not _INTEGER.match(text) or len(text) > 20 or abs(int(text)) > INT64_MAX:
            raise self.invalid(value)
        number = int(text)
        if self.minimum is not None and number < self.minimum:
            raise self.invalid(
                value,
                f"The value '{value}' is not valid for {self.wire_name}: "
                f"it must be {self.minimum} or more.",
            )
        return number


class QueryBool(QueryField):
    """``true``, ``false``, ``1`` or ``0``, in any case."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise self.invalid(value)


class QueryText(QueryField):
    """Free text, kept as sent after percent-decoding."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return str(value)


class QueryTextList(QueryField):
    """A parameter that may repeat; every value is kept, in order."""

    repeated = True

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[str]:
        return [str(item) for item in value]


class QueryUtcDate(QueryField):
    """A "UTC date": ``yyyy-mm-dd``, or ISO 8601 with an optional fraction and ``Z`` or offset.

    Returns a naive UTC datetime.
    """

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.datetime:
        text = str(value).strip()
        if _DATE_ONLY.match(text):
            try:
                parsed = dt.datetime.strptime(text, "%Y-%m-%d")
            except ValueError:
                raise self.invalid(value) from None
        elif _DATE_TIME.match(text):
            # Python keeps at most 6 fraction digits; .NET writes up to 7.
            text = re.sub(r"(\.\d{6})\d", r"\1", text)
            try:
                parsed = dt.datetime.fromisoformat(text)
            except ValueError:
                raise self.invalid(value) from None
        else:
            raise self.invalid(value)
        if not EARLIEST <= parsed.date() <= LATEST:
            raise self.invalid(
                value,
                f"The value '{value}' is not valid for {self.wire_name}: "
                f"dates must fall between {EARLIEST} and {LATEST}.",
            )
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
        return parsed


class QueryDateAsInt(QueryField):
    """A date written as the integer ``yyyymmdd``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        text = str(value).strip()
        if not re.fullmatch(r"[0-9]{8}", text):
            raise self.invalid(
                value,
                f"The value '{value}' is not valid for {self.wire_name}: "
                "expected a date as yyyymmdd, for example 20250307.",
            )
        try:
            day = dt.datetime.strptime(text, "%Y%m%d").date()
            if not EARLIEST <= day <= LATEST:
                raise ValueError("out of range")
            return day
        except ValueError:
            raise self.invalid(
                value, f"The value '{value}' is not valid for {self.wire_name}: no such date."
            ) from None


class QuerySchema(Schema):
    """Base of every query schema: unknown parameters are ignored, as the real API ignores them."""

    class Meta:
        unknown = EXCLUDE


def load_query(schema: Schema, args: MultiDict[str, str]) -> dict[str, Any]:
    """Validate normalised query ``args`` with ``schema``; raise :class:`BadRequest` if invalid.

    A single-valued parameter sent several times takes its first value.
    """
    raw: dict[str, Any] = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if key not in args:
            continue
        raw[key] = args.getlist(key) if getattr(field, "repeated", False) else args.get(key)
    try:
        result: dict[str, Any] = schema.load(raw)
    except ValidationError as error:
        messages: Any = error.messages
        raise BadRequest(_model_state(schema, messages)) from None
    return result


def _model_state(schema: Schema, messages: Mapping[str, Any]) -> dict[str, list[str]]:
    by_key = {(f.data_key or n): f for n, f in schema.fields.items()}
    state: dict[str, list[str]] = {}
    for key, problems in messages.items():
        field = by_key.get(key)
        label = getattr(field, "wire_name", key)
        state[label] = [str(p) for p in problems] if isinstance(problems, list) else [str(problems)]
    return state


@dataclass(frozen=True)
class PageRequest:
    """The page of a list that a request selects.

    ``number`` is always 1-based. ``base`` is the numbering the client uses (0 or 1), so the
    envelope can write the page number back in that numbering.
    """

    number: int
    size: int
    base: int = 1


class PagingSchema(QuerySchema):
    """Paging parameters: ``page``, ``pageNumber`` or ``currentPage``, and ``pageSize``."""

    page = QueryInt("page", minimum=0)
    pagenumber = QueryInt("pageNumber", minimum=0)
    currentpage = QueryInt("currentPage", minimum=0)
    pagesize = QueryInt("pageSize", minimum=1)

    def __init__(self, *, default_size: int, max_size: int, base: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.default_size = default_size
        self.max_size = max_size
        self.base = base

    @post_load
    def to_page(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        sent_number = next(
            (data[k] for k in ("pagenumber", "page", "currentpage") if data.get(k) is not None),
            self.base,
        )
        # With 1-based paging, page 0 is read as page 1: clients disagree on where paging starts.
        number = max(sent_number + 1 - self.base, 1)
        size = min(data.get("pagesize") or self.default_size, self.max_size)
        return {"page": PageRequest(number=number, size=size, base=self.base)}


def load_paging(
    args: MultiDict[str, str], default_size: int, max_size: int, base: int = 1
) -> PageRequest:
    """Return the page requested by normalised ``args``."""
    schema = PagingSchema(default_size=default_size, max_size=max_size, base=base)
    page: PageRequest = load_query(schema, args)["page"]
    return page


class ProjectQuerySchema(QuerySchema):
    """Filters of ``GET Organisation/{Slug}/Projects``."""

    id = QueryInt("Id", minimum=0)
    statustypeid = QueryInt("StatusTypeId")
    managerid = QueryInt("ManagerId")
    isdefault = QueryBool("IsDefault")
    includecustomfields = QueryBool("IncludeCustomFields")
    updateddate = QueryUtcDate("UpdatedDate")
    createddate = QueryUtcDate("CreatedDate")
    projectnumber = QueryText("projectNumber")
    number = QueryText("number")
    isactive = QueryBool("isActive")
    statuses = QueryTextList("statuses")


class ProjectDetailQuerySchema(QuerySchema):
    """Parameters of ``GET Organisation/{Slug}/Projects/{Id}``."""

    includecustomfields = QueryBool("IncludeCustomFields")


class ContactQuerySchema(QuerySchema):
    """Filters of ``GET Organisation/{Slug}/Contacts``."""

    showcompany = QueryBool("ShowCompany")
    showpersonnel = QueryBool("ShowPersonnel")
    showindividual = QueryBool("ShowIndividual")
    showstaff = QueryBool("ShowStaff")
    minsecuritylevel = QueryInt("MinSecurityLevel")
    updateddate = QueryUtcDate("UpdatedDate")
    createddate = QueryUtcDate("CreatedDate")


class StaffQuerySchema(QuerySchema):
    """Filters of ``GET Organisation/{Slug}/Staff``."""

    organisationid = QueryInt("OrganisationId")
    canbeamanager = QueryBool("CanBeAManager")
    isdefault = QueryBool("IsDefault")
    excludenoemails = QueryBool("ExcludeNoEmails")
    updateddate = QueryUtcDate("UpdatedDate")
    createddate = QueryUtcDate("CreatedDate")


class InvoiceQuerySchema(QuerySchema):
    """Filters of ``GET Organisation/{Slug}/Invoices``."""

    organisationid = QueryInt("OrganisationId")
    projectid = QueryInt("ProjectId")
    contactid = QueryInt("ContactId")
    contactemail = QueryText("ContactEmail")


class TimesheetWeekQuerySchema(QuerySchema):
    """Parameters of ``GET Organisation/{Slug}/Timesheet/Week``."""

    dateasint = QueryDateAsInt("DateAsInt")
    date = QueryDateAsInt("Date")
    contactid = QueryInt("ContactId")
    id = QueryInt("Id")


class TimerQuerySchema(QuerySchema):
    """Filters of ``GET Timers``."""

    organisationid = QueryInt("OrganisationId")
