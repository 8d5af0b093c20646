"""The web-host pages: the OAuth Authorize login page (``/OAuth2/Authorize``)."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, Flask, Response, current_app, redirect, render_template, request
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from ..oauth import (
    OAuthError,
    check_redirect,
    check_user_allowed,
    find_application,
    issue_code,
    sign_in,
)
from ..runtime import runtime
from ..store.models import Application, Membership, User

log = logging.getLogger(__name__)

bp = Blueprint("web", __name__)

# The parameters the Authorize page reads itself; any other parameter, such as ``state``, is sent
# back unchanged on the redirect.
OWN_PARAMETERS = (
    "applicationkey",
    "redirecturi",
    "tenant",
    "simple",
    "email",
    "password",
    "decision",
)
# Names the page writes into the redirect itself. An incoming copy is dropped, so a crafted link
# cannot slip a second ``code`` or an ``error`` past the client.
WRITTEN_PARAMETERS = ("code", "error", "error_description")
MAX_PASSED_PARAMETERS = 50


def with_query(url: str, extra: list[tuple[str, str]]) -> str:
    """Return ``url`` with ``extra`` parameters appended to its query string."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + extra
    return urlunsplit(parts._replace(query=urlencode(query)))


def _parameters() -> dict[str, str]:
    source = request.form if request.method == "POST" else request.args
    return {key.lower(): value for key, value in source.items()}


def _carried() -> list[tuple[str, str]]:
    """Return the incoming parameters the page must pass on, in their original spelling."""
    source = request.form if request.method == "POST" else request.args
    form_fields = ("email", "password", "decision")
    dropped = form_fields + WRITTEN_PARAMETERS
    return [(k, v) for k, v in source.items(multi=True) if k.lower() not in dropped]


def _echoed() -> list[tuple[str, str]]:
    source = request.form if request.method == "POST" else request.args
    dropped = OWN_PARAMETERS + WRITTEN_PARAMETERS
    return [(k, v) for k, v in source.items(multi=True) if k.lower() not in dropped]


def _error_page(message: str, status: int) -> Response:
    log.info("Authorize request rejected: %s", message)
    return Response(render_template("oauth_error.html", message=message), status=status)


def _page(application: Application, error: str | None = None, status: int = 200) -> Response:
    store = runtime(current_app).store
    with store.session() as session:
        users = session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == application.organisation_id)
            .order_by(User.id)
        ).all()
        emails = [{"email": user.email} for user in users]
    parameters = _parameters()
    body = render_template(
        "authorize.html",
        application=application,
        simple=parameters.get("simple", "").lower() == "true",
        carried=_carried(),
        users=emails,
        email=parameters.get("email", ""),
        password=runtime(current_app).settings.user_password,
        error=error,
        action=request.path,
    )
    return Response(body, status=status)


@bp.route("/oauth2/authorize", methods=["GET", "POST"])
def authorize() -> BaseResponse:
    """Show the login page, or act on its form: approve issues a code, deny reports an error."""
    parameters = _parameters()
    store = runtime(current_app).store
    settings = runtime(current_app).settings
    if len(_echoed()) > MAX_PASSED_PARAMETERS:
        return _error_page(
            f"The request carries more than {MAX_PASSED_PARAMETERS} extra parameters.", 400
        )
    with store.session() as session:
        try:
            application = find_application(session, parameters.get("applicationkey"))
            redirect_uri = check_redirect(application, parameters.get("redirecturi"))
        except OAuthError as error:
            return _error_page(error.message, 400)
        session.expunge(application)
    if request.method == "GET":
        return _page(application)

    if parameters.get("decision") == "deny":
        target = with_query(redirect_uri, [("error", "access_denied"), *_echoed()])
        return redirect(target, code=302)
    with store.session() as session:
        try:
            user = sign_in(
                session, settings, parameters.get("email", ""), parameters.get("password", "")
            )
            check_user_allowed(session, application, user)
            code = issue_code(
                session, settings, application, user, redirect_uri, parameters.get("tenant", "")
            )
        except OAuthError as error:
            return _page(application, error.message, error.status)
    log.info("Issued an authorisation code for application %s", application.application_key)
    return redirect(with_query(redirect_uri, [("code", code), *_echoed()]), code=302)


@bp.after_request
def forbid_framing(response: Response) -> Response:
    """Keep the login page out of other sites' frames."""
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    return response


def init_app(app: Flask) -> None:
    """Register the web-host pages on ``app``."""
    app.register_blueprint(bp)
