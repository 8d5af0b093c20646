"""GET Organisation/{Slug}/Invoices."""

from __future__ import annotations

import re
from typing import Any

from ..conftest import RESTRICTED, Api, items
from .routes import C100_ID, ROUTES

INVOICES = ROUTES["invoices"]

VENDOR_FIELDS = [
    "id", "organisationId", "projectId", "projectNumber", "projectName", "status",
    "statusDisplay", "invoiceNumber", "invoiceNumberDisplay", "numberingId", "prefix", "number",
    "numberFormatted", "invoiceType", "text", "totalExTax", "totalTax", "totalIncTax",
    "totalExTaxDisplay", "totalTaxDisplay", "totalIncTaxDisplay", "date", "from", "to",
    "dueDate", "dateDisplay", "fromDisplay", "toDisplay", "dueDateDisplay", "invoiceTermId",
    "invoiceTerm", "invoiceStages", "invoiceContacts",
]  # fmt: skip
CONTACT_FIELDS = [
    "id",
    "contactId",
    "attentionContactId",
    "addressId",
    "contact",
    "attentionContact",
    "contactUniqueId",
    "attentionContactUniqueId",
    "address",
    "address1",
    "address2",
    "town",
    "state",
    "zipCode",
    "country",
    "invoicePercent",
]


def _all(api: Api, **params: Any) -> list[dict[str, Any]]:
    return items(api.get(INVOICES, query_string={"pageSize": 1000, **params}))


def test_invoice_fields_in_vendor_order(api: Api) -> None:
    invoice = _all(api)[0]
    assert list(invoice) == VENDOR_FIELDS
    assert list(invoice["invoiceContacts"][0]) == CONTACT_FIELDS
    assert invoice["invoiceStages"] == []
    assert invoice["invoiceType"] == "I"


def test_invoice_value_styles(api: Api) -> None:
    for invoice in _all(api):
        assert invoice["status"] == invoice["status"].upper()
        assert invoice["numberFormatted"] == f"{invoice['number']:07d}"
        assert isinstance(invoice["totalIncTax"], float | int)
        assert round(invoice["totalExTax"] + invoice["totalTax"], 2) == invoice["totalIncTax"]
        if invoice["invoiceNumber"] is None:
            assert invoice["invoiceNumberDisplay"] == "DRAFT"
            assert invoice["number"] == 0
        assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, [A-Z][a-z]{2} \d{4}", invoice["dateDisplay"])
        assert invoice["invoiceContacts"][0]["invoicePercent"] == 100
        assert isinstance(invoice["invoiceContacts"][0]["invoicePercent"], int)


def test_invoice_filters(api: Api) -> None:
    invoices = _all(api)
    project_id = invoices[0]["projectId"]
    by_project = _all(api, ProjectId=project_id)
    assert by_project
    assert {i["projectId"] for i in by_project} == {project_id}
    assert len(by_project) == sum(i["projectId"] == project_id for i in invoices)

    contact_id = invoices[0]["invoiceContacts"][0]["contactId"]
    by_contact = _all(api, ContactId=contact_id)
    assert by_contact
    assert all(contact_id in [c["contactId"] for c in i["invoiceContacts"]] for i in by_contact)

    assert _all(api, OrganisationId=1) == invoices
    assert _all(api, OrganisationId=2) == []
    assert _all(api, ProjectId=C100_ID + 99999) == []


def test_contact_email_filter(api: Api) -> None:
    contact_id = _all(api)[0]["invoiceContacts"][0]["contactId"]
    email = api.get(f"{ROUTES['contacts']}/{contact_id}").get_json()["email"]
    by_email = _all(api, ContactEmail=email.upper())
    assert by_email == _all(api, ContactId=contact_id)


def test_restricted_user_refused(api: Api, keys: dict[str, str]) -> None:
    response = Api(api.client, keys[RESTRICTED]).get(INVOICES)
    assert response.status_code == 401
    assert response.get_json() == {"message": "Authorization has been denied for this request."}


def test_forbidden_status_setting(make_app: Any, keys: dict[str, str]) -> None:
    api = Api(make_app(forbidden_status=403).test_client(), keys[RESTRICTED])
    assert api.get(INVOICES).status_code == 403
