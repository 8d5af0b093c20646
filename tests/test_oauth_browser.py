"""The whole OAuth flow in a real headless Chromium, against a real `synergy-mock serve`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .servers import BIN, free_port, running

CHROMIUM = "/usr/bin/chromium"
# Flags that keep Chromium from reaching for the network or a sandbox this machine lacks.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# CI installs Chromium, so there a missing browser is a failure, not a skip.
pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None and not os.environ.get("CI"),
    reason="Debian's chromium package is not installed (apt-get install chromium)",
)


def test_browser_flow_with_expiry_and_refresh(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    command = [
        str(BIN / "synergy-mock"),
        "serve",
        "--scenario",
        "small",
        "--port",
        str(port),
        "--database",
        f"sqlite:///{tmp_path}/browser.db",
        "--workers",
        "1",
    ]
    with running(command, port, tmp_path, {}) as server:
        base = server.base_url
        # An application whose callback is a page of this server, so the browser can land on it.
        callback = f"{base}/_mock/health"
        app = requests.post(
            f"{base}/_mock/applications",
            json={
                "name": "Browser Test App",
                "organisation": "testOrg",
                "callbackUrl": callback,
            },
            timeout=10,
        ).json()
        authorize = (
            f"{base}/OAuth2/Authorize?ApplicationKey={app['applicationKey']}"
            f"&RedirectUri={callback}&tenant=&state=opaque-42"
        )

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                page = browser.new_page()
                page.goto(authorize)
                assert "Authorise Browser Test App" in page.content()
                page.fill("input[name=email]", "sam.standard@testorg.example")
                page.fill("input[name=password]", "synergy")
                page.click("button[value=approve]")
                page.wait_for_url(f"{callback}?*")
                landed = urlsplit(page.url)
            finally:
                browser.close()

        query = parse_qs(landed.query)
        assert query["state"] == ["opaque-42"]
        code = query["code"][0]

        token_url = f"{base}/api/v2/Oauth2/GetAccessToken"
        tokens = requests.post(
            token_url,
            data={
                "applicationKey": app["applicationKey"],
                "ApplicationSecret": app["applicationSecret"],
                "code": code,
                "grant_type": "authorization_code",
                "RedirectUri": callback,
            },
            headers={"Accept": "application/json"},
            timeout=10,
        ).json()
        projects = f"{base}/api/v2/Organisation/testOrg/Projects"
        headers = {"access-token": tokens["accessToken"]}
        assert requests.get(projects, headers=headers, timeout=10).status_code == 200

        requests.post(
            f"{base}/_mock/clock",
            json={"advance_seconds": 3700, "organisation": "testOrg"},
            timeout=10,
        )
        assert requests.get(projects, headers=headers, timeout=10).status_code == 401

        refreshed = requests.post(
            f"{base}/api/v2/Oauth2/RefreshAccessToken",
            data={
                "applicationKey": app["applicationKey"],
                "ApplicationSecret": app["applicationSecret"],
                "refreshToken": tokens["refreshToken"],
                "grant_type": "authorization_code",
            },
            timeout=10,
        )
        assert refreshed.status_code == 200
        fresh = {"access-token": refreshed.json()["accessToken"]}
        assert requests.get(projects, headers=fresh, timeout=10).status_code == 200
