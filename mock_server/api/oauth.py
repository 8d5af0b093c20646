"""``POST Oauth2/GetAccessToken`` and ``POST Oauth2/RefreshAccessToken``: no key needed."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, request

from ..oauth import OAuthError, exchange_code, fields_of, refresh
from ..schemas.bodies import read_json
from . import db, json_response, settings

log = logging.getLogger(__name__)

# Registered outside the authenticated API blueprint: these calls obtain a key.
bp = Blueprint("oauth", __name__, url_prefix="/api/v2/oauth2")


def _fields() -> dict[str, str]:
    """Read the body as JSON or as a form, as the vendor's guide and a connector each send it."""
    data: Any = None
    if request.is_json:
        try:
            data = read_json(request, settings().max_body_bytes)
        except ValueError as error:
            raise OAuthError(str(error)) from None
    if isinstance(data, dict):
        return fields_of(data)
    return fields_of(request.form)


def _reply(action: Any) -> Response:
    try:
        body = action(db(), settings(), _fields())
    except OAuthError as error:
        db().rollback()
        log.info("OAuth request %s rejected: %s", request.path, error.message)
        return json_response({"message": error.message}, settings().oauth_error_status)
    db().commit()
    return json_response(body)


@bp.post("/getaccesstoken")
def get_access_token() -> Response:
    return _reply(exchange_code)


@bp.post("/refreshaccesstoken")
def refresh_access_token() -> Response:
    return _reply(refresh)
