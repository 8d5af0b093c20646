"""Every emulated read route, for tests of the rules that hold on all of them."""

from __future__ import annotations

from ..conftest import SMALL_SLUG

# Ids fixed by the small scenario's fixture file: fixture users are staff 101-103, fixture
# contacts follow, and fixture projects take the first project ids.
ADMIN_STAFF_ID = 101
CONTOSO_ID = 104
C100_ID = 20001

ORG = f"/api/v2/Organisation/{SMALL_SLUG}"

ROUTES = {
    "organisations": "/api/v2/Organisation",
    "organisation": ORG,
    "projects": f"{ORG}/Projects",
    "project": f"{ORG}/Projects/{C100_ID}",
    "stages": f"{ORG}/Projects/{C100_ID}/Stages",
    "tasks": f"{ORG}/Projects/{C100_ID}/Tasks",
    "contacts": f"{ORG}/Contacts",
    "contact": f"{ORG}/Contacts/{CONTOSO_ID}",
    "staff": f"{ORG}/Staff",
    "invoices": f"{ORG}/Invoices",
    "timesheet_week": f"{ORG}/Timesheet/Week?DateAsInt=20250303",
    "transactions": f"{ORG}/Transactions",
    "timers": "/api/v2/Timers",
}

# Routes under Organisation/{Slug}, with the slug as a placeholder.
ORG_ROUTES = {
    name: path.replace(SMALL_SLUG, "{slug}")
    for name, path in ROUTES.items()
    if path.startswith(ORG)
}

PAGED_ROUTES = {
    name: ROUTES[name]
    for name in ("organisations", "projects", "stages", "tasks", "contacts", "invoices", "timers")
}
