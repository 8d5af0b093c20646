"""Value styles of the real API: .NET date strings, display strings and formatted money.

Month and day names are spelled out here rather than taken from ``strftime``, so the output does
not depend on the process locale.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from marshmallow import fields

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def dotnet_datetime(value: dt.datetime) -> str:
    """Format a naive datetime the .NET way: no zone, a 0-7 digit fraction without trailing zeros.

    Example: ``2016-11-14T23:43:37.68``.
    """
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += "." + f"{value.microsecond:06d}".rstrip("0")
    return text


def dotnet_utc(value: dt.datetime) -> str:
    """Format a naive UTC datetime the .NET way with a ``Z``, as timers are written.

    Example: ``2016-08-02T06:57:32.178855Z``; Python has microseconds, so at most 6 digits.
    """
    return dotnet_datetime(value) + "Z"


def date_display(value: dt.date) -> str:
    """Format a date as a timesheet's ``dateDisplay``, for example ``Mon 1, Aug 2016``."""
    return f"{DAYS[value.weekday()]} {value.day}, {MONTHS[value.month - 1]} {value.year}"


def day_month_year(value: dt.date) -> str:
    """Format a date as a timer's ``details``, for example ``02 Aug 2016``."""
    return f"{value.day:02d} {MONTHS[value.month - 1]} {value.year}"


def local_time_display(value: dt.datetime) -> str:
    """Format a contact's ``localTime``, for example ``Wed, Jun 5, 2019 - 6:06 PM``."""
    hour = value.hour % 12 or 12
    meridiem = "AM" if value.hour < 12 else "PM"
    return (
        f"{DAYS[value.weekday()]}, {MONTHS[value.month - 1]} {value.day}, {value.year} - "
        f"{hour}:{value.minute:02d} {meridiem}"
    )


def duration_display(seconds: int) -> str:
    """Format a timer's duration, rounded up to the minute: 7220 seconds is ``2 hour 1 min``."""
    minutes = math.ceil(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} hour {minutes} min"
    return f"{minutes} min"


def money(amount: float) -> str:
    """Format an amount of money as the real API formats a staff rate, for example ``$50.00``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def number(value: float | None) -> float | int | None:
    """Return a JSON number: a whole value as an integer (``100``, not ``100.0``)."""
    if value is None:
        return None
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() else rounded


def date_as_int(value: dt.date) -> int:
    """Return a date as the integer ``yyyymmdd``."""
    return value.year * 10000 + value.month * 100 + value.day


class DotNetDateTime(fields.Field):  # type: ignore[type-arg]
    """A naive datetime written in the .NET style; ``None`` stays ``null``."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else dotnet_datetime(value)


class DotNetUtcDateTime(fields.Field):  # type: ignore[type-arg]
    """A naive UTC datetime written with a 7-digit fraction and ``Z``; ``None`` stays ``null``."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else dotnet_utc(value)


class Money(fields.Field):  # type: ignore[type-arg]
    """An amount written as a formatted string such as ``$50.00``; ``None`` stays ``null``."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else money(float(value))
