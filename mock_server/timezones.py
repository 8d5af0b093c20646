"""Time zone names and conversions between UTC and an organisation's local time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# IANA zone to the Windows zone id the real API writes (for example in a contact's `timezoneId`).
WINDOWS_ZONE_IDS = {
    "Australia/Sydney": "AUS Eastern Standard Time",
    "Australia/Melbourne": "AUS Eastern Standard Time",
    "Australia/Canberra": "AUS Eastern Standard Time",
    "Australia/Brisbane": "E. Australia Standard Time",
    "Australia/Adelaide": "Cen. Australia Standard Time",
    "Australia/Darwin": "AUS Central Standard Time",
    "Australia/Perth": "W. Australia Standard Time",
    "Australia/Hobart": "Tasmania Standard Time",
    "Pacific/Auckland": "New Zealand Standard Time",
    "Asia/Singapore": "Singapore Standard Time",
    "Asia/Kuala_Lumpur": "Singapore Standard Time",
    "Asia/Hong_Kong": "China Standard Time",
    "Europe/London": "GMT Standard Time",
    "Europe/Dublin": "GMT Standard Time",
    "America/New_York": "Eastern Standard Time",
    "America/Chicago": "Central Standard Time",
    "America/Denver": "Mountain Standard Time",
    "America/Los_Angeles": "Pacific Standard Time",
    "UTC": "UTC",
}

DOTNET_EPOCH_OFFSET_SECONDS = 62_135_596_800
TICKS_PER_SECOND = 10_000_000


def windows_zone_id(iana_name: str) -> str:
    """Return the Windows zone id for an IANA zone name."""
    return WINDOWS_ZONE_IDS[iana_name]


def is_supported(iana_name: str) -> bool:
    """Return whether ``iana_name`` is a zone the emulator can name the Windows way."""
    if iana_name not in WINDOWS_ZONE_IDS:
        return False
    try:
        ZoneInfo(iana_name)
    except ZoneInfoNotFoundError:
        return False
    return True


def utc_to_local(utc: dt.datetime, iana_name: str) -> dt.datetime:
    """Convert a naive UTC datetime to naive local time in ``iana_name``."""
    aware = utc.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(iana_name))
    return aware.replace(tzinfo=None)


def local_to_utc(local: dt.datetime, iana_name: str) -> dt.datetime:
    """Convert a naive local datetime in ``iana_name`` to naive UTC."""
    aware = local.replace(tzinfo=ZoneInfo(iana_name))
    return aware.astimezone(dt.UTC).replace(tzinfo=None)


def to_ticks(utc: dt.datetime) -> int:
    """Return .NET DateTime ticks (100 ns units since 0001-01-01) for a naive UTC datetime."""
    seconds = int(utc.replace(tzinfo=dt.UTC).timestamp())
    return (seconds + DOTNET_EPOCH_OFFSET_SECONDS) * TICKS_PER_SECOND


def from_ticks(ticks: int) -> dt.datetime:
    """Return the naive UTC datetime for .NET DateTime ticks, to the second."""
    seconds = ticks // TICKS_PER_SECOND - DOTNET_EPOCH_OFFSET_SECONDS
    return dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)
