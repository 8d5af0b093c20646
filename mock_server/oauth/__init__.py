"""The vendor's OAuth variant: Authorize codes, GetAccessToken and RefreshAccessToken.

Field names follow the vendor's guide (``applicationKey``, ``ApplicationSecret``, ``code``,
``grant_type``, ``refreshToken``, ``RedirectUri``) and are matched case-insensitively, because a
partner connector spells them differently. Every failure raises :class:`OAuthError` before
anything is issued.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..auth import mint_key
from ..clock import utcnow
from ..config import Settings
from ..store.models import (
    Application,
    AuthorisationCode,
    Membership,
    RefreshToken,
    StaticKey,
    User,
)

DESKTOP_REDIRECT = "https://desktop"
GRANT_TYPES = ("authorization_code", "refresh_token")


class OAuthError(Exception):
    """A rejected OAuth request; the message names what was wrong."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def find_application(session: Session, application_key: str | None) -> Application:
    """Return the application with this public key, or raise."""
    if not application_key:
        raise OAuthError("ApplicationKey is missing.")
    application = session.scalar(
        select(Application).where(Application.application_key == application_key)
    )
    if application is None:
        raise OAuthError(f"No application has the key '{application_key}'.")
    return application


def check_redirect(application: Application, redirect_uri: str | None) -> str:
    """Return ``redirect_uri`` if the application may be sent there, or raise.

    The registered callback always matches; ``https://desktop`` is also accepted, because the
    vendor documents it for desktop applications.
    """
    if not redirect_uri:
        raise OAuthError("RedirectUri is missing.")
    allowed = {application.callback_url.rstrip("/"), DESKTOP_REDIRECT}
    if redirect_uri.rstrip("/") not in allowed:
        raise OAuthError(
            f"RedirectUri {redirect_uri!r} does not match the callback URL registered for "
            f"{application.name} ({application.callback_url})."
        )
    return redirect_uri


def sign_in(session: Session, settings: Settings, email: str, password: str) -> User:
    """Return the user for these credentials, or raise."""
    user = session.scalar(select(User).where(User.email_key == (email or "").strip().lower()))
    if user is None or not hmac.compare_digest(password or "", settings.user_password):
        raise OAuthError("The e-mail address or password is incorrect.", status=401)
    return user


def check_user_allowed(session: Session, application: Application, user: User) -> None:
    """Refuse users outside the application's organisation while it is not public and approved."""
    if application.is_public and application.is_approved:
        return
    member = session.scalar(
        select(Membership.user_id).where(
            Membership.user_id == user.id,
            Membership.organisation_id == application.organisation_id,
        )
    )
    if member is None:
        raise OAuthError(
            f"{application.name} is not approved and public yet, so only users of its own "
            "organisation may authorise it.",
            status=403,
        )


def issue_code(
    session: Session,
    settings: Settings,
    application: Application,
    user: User,
    redirect_uri: str,
    tenant: str,
) -> str:
    """Create a single-use authorisation code for ``user`` and ``application``."""
    now = utcnow(session, user.default_organisation_id)
    code = secrets.token_urlsafe(24)
    session.add(
        AuthorisationCode(
            code=code,
            application_id=application.id,
            user_id=user.id,
            redirect_uri=redirect_uri,
            tenant=tenant or "",
            expires_at=now + dt.timedelta(seconds=settings.auth_code_ttl),
        )
    )
    session.flush()
    return code


def fields_of(data: Mapping[str, Any]) -> dict[str, str]:
    """Return request fields by lower-case name; values become strings."""
    return {str(k).lower(): "" if v is None else str(v) for k, v in data.items()}


def _authenticated_application(session: Session, fields: dict[str, str]) -> Application:
    application = find_application(session, fields.get("applicationkey"))
    secret = fields.get("applicationsecret")
    if not secret:
        raise OAuthError("ApplicationSecret is missing.")
    if not hmac.compare_digest(secret, application.application_secret):
        raise OAuthError("ApplicationSecret is wrong for this application.")
    return application


def exchange_code(session: Session, settings: Settings, fields: dict[str, str]) -> dict[str, Any]:
    """Exchange an authorisation code for an access token and a refresh token."""
    application = _authenticated_application(session, fields)
    if fields.get("grant_type") != "authorization_code":
        raise OAuthError(
            f"grant_type must be authorization_code, not '{fields.get('grant_type', '')}'."
        )
    code_text = fields.get("code")
    if not code_text:
        raise OAuthError("code is missing.")

    code = session.scalar(select(AuthorisationCode).where(AuthorisationCode.code == code_text))
    if code is None or code.application_id != application.id:
        raise OAuthError("The code is unknown or was issued to another application.")
    if code.used:
        raise OAuthError("The code has already been used.")
    user = session.get(User, code.user_id)
    assert user is not None  # codes are deleted with their user
    if code.expires_at <= utcnow(session, user.default_organisation_id):
        raise OAuthError("The code has expired.")

    redirect_uri = fields.get("redirecturi")
    if redirect_uri is None and settings.require_redirect_uri:
        raise OAuthError("RedirectUri is missing.")
    if redirect_uri is not None and redirect_uri.rstrip("/") != code.redirect_uri.rstrip("/"):
        raise OAuthError("RedirectUri does not match the one sent to Authorize.")

    # One atomic statement spends the code, so two exchanges racing in two workers cannot both
    # succeed.
    spent = session.execute(
        update(AuthorisationCode)
        .where(AuthorisationCode.id == code.id, AuthorisationCode.used.is_(False))
        .values(used=True)
    )
    if _rowcount(spent) != 1:
        raise OAuthError("The code has already been used.")
    return _issue_tokens(session, settings, application, user, code.tenant)


def refresh(session: Session, settings: Settings, fields: dict[str, str]) -> dict[str, Any]:
    """Issue a new access token for a refresh token, rotating it when rotation is on."""
    application = _authenticated_application(session, fields)
    if fields.get("grant_type") not in GRANT_TYPES:
        raise OAuthError(
            "grant_type must be authorization_code or refresh_token, not "
            f"'{fields.get('grant_type', '')}'."
        )
    text = fields.get("refreshtoken") or fields.get("refresh_token")
    if not text:
        raise OAuthError("refreshToken is missing.")
    token = session.scalar(select(RefreshToken).where(RefreshToken.token == text))
    if token is None or token.application_id != application.id or token.revoked:
        raise OAuthError("The refresh token is unknown, revoked or issued to another application.")
    user = session.get(User, token.user_id)
    assert user is not None  # refresh tokens are deleted with their user
    if token.expires_at <= utcnow(session, user.default_organisation_id):
        raise OAuthError("The refresh token has expired.")
    if settings.refresh_rotation:
        revoked = session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == token.id, RefreshToken.revoked.is_(False))
            .values(revoked=True)
        )
        if _rowcount(revoked) != 1:
            raise OAuthError(
                "The refresh token is unknown, revoked or issued to another application."
            )
        return _issue_tokens(session, settings, application, user, token.tenant)
    return _issue_tokens(session, settings, application, user, token.tenant, reuse=token)


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _issue_tokens(
    session: Session,
    settings: Settings,
    application: Application,
    user: User,
    tenant: str,
    reuse: RefreshToken | None = None,
) -> dict[str, Any]:
    now = utcnow(session, user.default_organisation_id).replace(microsecond=0)
    expires = now + dt.timedelta(seconds=settings.access_token_ttl)
    token, ticks = mint_key(
        user.email,
        user.username,
        user.user_type,
        expires,
        settings.secret_key,
        application_id=application.id,
        tenant=tenant,
    )
    if session.scalar(select(StaticKey.id).where(StaticKey.token == token)) is None:
        session.add(
            StaticKey(
                user_id=user.id,
                token=token,
                years=0,
                expires_ticks=ticks,
                is_fixture=False,
                created_at=now,
                application_id=application.id,
            )
        )
    refresh_token = reuse
    if refresh_token is None:
        refresh_token = RefreshToken(
            token=secrets.token_urlsafe(32),
            application_id=application.id,
            user_id=user.id,
            tenant=tenant,
            expires_at=now + dt.timedelta(seconds=settings.refresh_token_ttl),
        )
        session.add(refresh_token)
    session.flush()
    return {
        "accessToken": token,
        "refreshToken": refresh_token.token,
        "expiresIn": settings.access_token_ttl,
        "expiryDate": expires.strftime("%Y-%m-%dT%H:%M:%S"),
    }
