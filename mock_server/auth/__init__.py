"""Static keys: minting HS256 JWTs shaped like the real API's, and checking them on each call."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..errors import NotFound, Unauthorized
from ..store.models import Membership, Organisation, StaticKey, User
from ..timezones import to_ticks

log = logging.getLogger(__name__)

# Claims of a real static key, in the order real keys carry them.
CLAIM_TYPES: dict[str, type] = {
    "email": str,
    "applicationid": int,
    "username": str,
    "tenant": str,
    "code_expires": int,
    "user_type": str,
}

ADMIN, STANDARD, RESTRICTED = "1", "2", "3"
MYSLUG = "myslug"


@dataclass(frozen=True)
class Identity:
    """The caller behind a valid key."""

    user: User
    organisation_ids: frozenset[int]

    @property
    def is_restricted(self) -> bool:
        """Whether the user has the lowest access level, which hides financial data."""
        return self.user.user_type == RESTRICTED


def add_years(moment: dt.datetime, years: int) -> dt.datetime:
    """Return ``moment`` moved on by whole calendar years; 29 February becomes 28 February."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def mint_static_key(
    email: str, username: str, user_type: str, now_utc: dt.datetime, years: int, secret: str
) -> tuple[str, int]:
    """Return a static key valid for ``years`` from ``now_utc``, and its expiry in ticks."""
    expires = add_years(now_utc.replace(microsecond=0), years)
    return mint_key(email, username, user_type, expires, secret)


def mint_key(
    email: str,
    username: str,
    user_type: str,
    expires_utc: dt.datetime,
    secret: str,
    *,
    application_id: int = 0,
    tenant: str = "",
) -> tuple[str, int]:
    """Return a key in the real keys' layout expiring at ``expires_utc``, and that expiry in ticks.

    Static keys have ``applicationid`` 0; OAuth access tokens carry their application's id.
    """
    expires = to_ticks(expires_utc)
    claims = {
        "email": email,
        "applicationid": application_id,
        "username": username,
        "tenant": tenant,
        "code_expires": expires,
        "user_type": user_type,
    }
    token = jwt.encode(
        claims, secret, algorithm="HS256", headers={"typ": "JWT"}, sort_headers=False
    )
    return token, expires


def issue_static_key(
    session: Session,
    user: User,
    now_utc: dt.datetime,
    years: int,
    secret: str,
    *,
    is_fixture: bool = False,
) -> StaticKey:
    """Mint a key for ``user`` and register it, reusing an identical key minted the same second."""
    token, expires = mint_static_key(
        user.email, user.username, user.user_type, now_utc, years, secret
    )
    existing = session.scalar(select(StaticKey).where(StaticKey.token == token))
    if existing is not None:
        return existing
    key = StaticKey(
        user_id=user.id,
        token=token,
        years=years,
        expires_ticks=expires,
        is_fixture=is_fixture,
        created_at=now_utc,
    )
    session.add(key)
    session.flush()
    return key


def _decode(token: str, secret: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise Unauthorized("malformed key") from None
    if header.get("alg") != "HS256":
        raise Unauthorized("key is not signed with HS256")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, secret, algorithms=["HS256"], options={"verify_exp": False}
        )
    except jwt.InvalidSignatureError:
        raise Unauthorized("bad key signature") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("malformed key") from None
    for name, kind in CLAIM_TYPES.items():
        value = claims.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise Unauthorized(f"key claim {name} is missing or not a {kind.__name__}")
    return claims


def authenticate(session: Session, token: str | None, secret: str) -> Identity:
    """Return the caller for ``token``, or raise :class:`Unauthorized` saying why not.

    Expiry is judged by the clock of the key owner's default organisation, so moving one
    namespace's clock expires only that namespace's keys.
    """
    if not token:
        raise Unauthorized("missing access-token header")
    claims = _decode(token.strip(), secret)
    owner = session.scalar(select(User).where(User.email_key == claims["email"].lower()))
    now = utcnow(session, owner.default_organisation_id if owner else None)
    if claims["code_expires"] <= to_ticks(now):
        raise Unauthorized("key expired")

    key = session.scalar(select(StaticKey).where(StaticKey.token == token.strip()))
    if key is None:
        raise Unauthorized("unknown key")
    if (key.application_id or 0) != claims["applicationid"]:
        raise Unauthorized("unknown key")
    user = key.user
    if not user.is_active or user.email_key != claims["email"].lower():
        raise Unauthorized("unknown user")

    organisation_ids = frozenset(
        session.scalars(select(Membership.organisation_id).where(Membership.user_id == user.id))
    )
    return Identity(user=user, organisation_ids=organisation_ids)


def resolve_organisation(
    session: Session,
    slug: str,
    identity: Identity,
    *,
    myslug_alias: bool,
    accept_any_slug: bool,
    forbidden_status: int,
) -> Organisation:
    """Return the organisation named by ``slug`` that the caller may read, or raise."""
    key = slug.lower()
    organisation = session.scalar(select(Organisation).where(Organisation.slug_key == key))
    if organisation is None and (accept_any_slug or (myslug_alias and key == MYSLUG)):
        organisation = identity.user.default_organisation
    if organisation is None:
        raise NotFound(f"Organisation '{slug}' was not found.")
    if organisation.id not in identity.organisation_ids:
        raise Unauthorized(
            f"user is not a member of organisation {organisation.slug}", status=forbidden_status
        )
    return organisation
