# einvoice.t — the e-invoice endpoints of issue 8: a finalized document only (409), missing business
# terms as one 422 naming each term, its rule and the Remit field to fill, then the UBL document
# once the data is there (application/xml, a file name), and the GST JSON's portal rules.
# tests/scenario/test_einvoice_api.c validates the documents with the official artefacts.
@header X-Remit-Test-Ip: 10.8.8.1

=== sign up a tenant that keeps its books in EUR
POST /api/v1/auth/signup

{"tenant_name": "E-invoices {{run_id}}", "email": "owner@einvoice-{{run_id}}.example", "password": "correct horse battery",
 "base_currency": "EUR", "timezone": "Europe/Brussels"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== a Belgian seller without an electronic address yet
POST /api/v1/company_profiles

{"name": "Lumen Consulting BV", "address": "Rue de la Loi 42", "city": "Bruxelles", "postal_code": "1040",
 "country": "BE", "tax_id": "BE0123456749"}
--- 201 partial
{"id": "{{profile=uuid}}", "einvoice_endpoint": null, "einvoice_scheme": null}

=== a customer with nothing but a name and a country
POST /api/v1/customers

{"name": "Brasserie Atelier SA", "country": "BE", "currency": "EUR"}
--- 201 partial
{"id": "{{cust=uuid}}", "einvoice_endpoint": null, "buyer_reference": null}

=== a draft invoice
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2026-11-02",
 "lines": [{"description": "Consulting", "quantity": "2", "rate": "100", "tax_rate": "21", "unit": "hour"}]}
--- 201 partial
{"id": "{{inv=uuid}}", "status": "draft", "total": "242.00"}

=== a draft is not exported
GET /api/v1/invoices/{{inv}}/ubl
--- 409
{"error": {"code": "invalid_state", "message": "the invoice is draft: only a finalized invoice is exported as an e-invoice"}}

=== finalize it
POST /api/v1/invoices/{{inv}}/finalize
--- 200 partial
{"status": "pending", "invoice_number": "{{invno=*}}"}

=== missing data is one 422 naming every business term and where Remit keeps it
GET /api/v1/invoices/{{inv}}/ubl
--- 422
{"error": {"code": "invalid",
           "message": "invoice {{invno}} cannot be exported: 3 business terms are missing or invalid (see problems)",
           "problems": [
  {"term": "BT-10", "rule": "PEPPOL-EN16931-R003", "field": "invoices.buyer_reference",
   "message": "buyer reference (BT-10) or purchase order reference (BT-13) is required"},
  {"term": "BT-34", "rule": "PEPPOL-EN16931-R020", "field": "company_profiles.einvoice_endpoint",
   "message": "seller electronic address (BT-34) is required"},
  {"term": "BT-49", "rule": "PEPPOL-EN16931-R010", "field": "customers.einvoice_endpoint",
   "message": "buyer electronic address (BT-49) is required"}]}}

=== the seller's Peppol address
PATCH /api/v1/company_profiles/{{profile}}

{"einvoice_endpoint": "0123456749", "einvoice_scheme": "0208"}
--- 200 partial
{"einvoice_scheme": "0208"}

=== an unknown EAS scheme is named
PATCH /api/v1/customers/{{cust}}

{"einvoice_endpoint": "buyer@atelier.example", "einvoice_scheme": "EM", "buyer_reference": "PO-77"}
--- 200 partial
{"einvoice_scheme": "EM"}

=== and refused at export, naming the field
GET /api/v1/invoices/{{inv}}/ubl
--- 422
{"error": {"code": "invalid", "message": "invoice {{invno}} cannot be exported: 1 business term is missing or invalid (see problems)",
           "problems": [{"term": "BT-49", "rule": "PEPPOL-EN16931-CL008", "field": "customers.einvoice_scheme",
                         "message": "buyer electronic address scheme (BT-49-1) \"EM\" is not in the EAS code list"}]}}

=== the buyer's Peppol address
PATCH /api/v1/customers/{{cust}}

{"einvoice_endpoint": "0876543270", "einvoice_scheme": "0208", "tax_id": "BE0876543270"}
--- 200 partial
{"einvoice_scheme": "0208"}

=== the UBL invoice
GET /api/v1/invoices/{{inv}}/ubl
--- 200 text
Content-Type: application/xml
Content-Disposition: attachment; filename="{{*}}.xml"

<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
<cbc:ID>{{invno}}</cbc:ID>
<cbc:BuyerReference>PO-77</cbc:BuyerReference>
<cbc:EndpointID schemeID="0208">0876543270</cbc:EndpointID>
<cbc:InvoicedQuantity unitCode="HUR">2</cbc:InvoicedQuantity>
<cbc:TaxAmount currencyID="EUR">42.00</cbc:TaxAmount>
<cbc:PayableAmount currencyID="EUR">242.00</cbc:PayableAmount>

=== a seller without GSTIN cannot report to the IRP
GET /api/v1/invoices/{{inv}}/gst-einvoice
--- 422 partial
{"error": {"code": "invalid", "problems": [{"term": "SellerDtls.Gstin", "field": "company_profiles.gst_number"}]}}

=== an unknown invoice is a 404
GET /api/v1/invoices/01a20000-0000-7000-8000-000000000000/ubl
--- 404
{"error": {"code": "not_found", "message": "{{*}}"}}
