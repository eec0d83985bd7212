# invoicing_rules.t — rules that keep receivables whole (QA invoicing D01, D02, D04, D06, D07;
# billing 2; platform 9): every refusal is followed by a re-read showing nothing changed.
@header X-Remit-Test-Ip: 10.4.3.7

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Invoicing rules {{run_id}}", "email": "owner@rules-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller
POST /api/v1/company_profiles

{"name": "Acme Consulting Pvt Ltd", "gst_number": "27AAPFU0939F1ZV", "address": "Pune"}
--- 201 partial
{"state_code": "27"}

=== a customer on 30-day terms
POST /api/v1/customers

{"name": "Mumbai Buyer", "code": "BOM", "gst_number": "27AAACH7409R1Z1", "payment_terms": 30}
--- 201 partial
{"id": "{{cust=uuid}}", "payment_terms": 30}

# ---- a customer with issued documents cannot be deleted ----

=== an invoice of 1000.00 + 18%
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2030-05-10",
 "lines": [{"description": "Consulting", "quantity": "10", "rate": "100", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{inv=uuid}}", "due_date": "2030-06-09", "total": "1180.00"}

=== the invoice is finalized
POST /api/v1/invoices/{{inv}}/finalize
--- 200 partial
{"invoice_number": "INV/2030-31/0001", "status": "{{*}}", "balance_due": "1180.00"}

=== a receipt of 100.00 is allocated to it
POST /api/v1/receipts

{"customer_id": "{{cust}}", "receipt_date": "2030-05-20", "amount": "100", "invoice_id": "{{inv}}"}
--- 201 partial
{"id": "{{rct=uuid}}", "receipt_number": "RCT/2030-31/0001", "allocated_amount": "100.00"}

=== customer with invoices receipts or transactions cannot be deleted
DELETE /api/v1/customers/{{cust}}
--- 409 partial
{"error": {"code": "conflict",
           "message": "the customer has 1 invoice, 1 receipt, 2 ledger transactions; issued documents and balances are kept: deactivate it (is_active=false) instead"}}

=== the refused delete left the customer
GET /api/v1/customers/{{cust}}
--- 200 partial
{"id": "{{cust}}", "code": "BOM", "is_active": true, "version": 1}

=== the refused delete left the invoice collectable
GET /api/v1/invoices/{{inv}}
--- 200 partial
{"invoice_number": "INV/2030-31/0001", "balance_due": "1080.00", "paid_amount": "100.00"}

=== the refused delete left the invoice printable
GET /api/v1/invoices/{{inv}}/pdf
--- 200 bytes

=== a customer that would be deleted can be deactivated instead
PATCH /api/v1/customers/{{cust}}

{"is_active": false}
--- 200 partial
{"is_active": false, "version": 2}

=== a customer with only a draft invoice can still be deleted
POST /api/v1/customers

{"name": "Draft Only", "code": "DRF"}
--- 201 partial
{"id": "{{drf=uuid}}"}

=== its draft
POST /api/v1/invoices

{"customer_id": "{{drf}}", "invoice_date": "2030-05-10", "lines": [{"description": "x", "rate": "1"}]}
--- 201 partial
{"status": "draft"}

=== deleting the customer of a draft only is allowed
DELETE /api/v1/customers/{{drf}}
--- 204 empty

=== a customer with an issued credit note only cannot be deleted
POST /api/v1/customers

{"name": "Goodwill", "code": "GDW"}
--- 201 partial
{"id": "{{gdw=uuid}}"}

=== its standalone credit note
POST /api/v1/credit_notes

{"customer_id": "{{gdw}}", "credit_note_date": "2030-05-10", "lines": [{"description": "goodwill", "rate": "50"}]}
--- 201 partial
{"id": "{{gdw_cn=uuid}}"}

=== the credit note is issued
POST /api/v1/credit_notes/{{gdw_cn}}/issue
--- 200 partial
{"status": "issued", "balance_remaining": "50.00"}

=== deleting the customer of an issued credit note is refused
DELETE /api/v1/customers/{{gdw}}
--- 409 partial
{"error": {"code": "conflict",
           "message": "the customer has 1 credit note, 1 ledger transaction; issued documents and balances are kept: deactivate it (is_active=false) instead"}}

=== the credit note's customer is still there
GET /api/v1/customers/{{gdw}}
--- 200 partial
{"id": "{{gdw}}", "version": 1}

# ---- an invoice with an issued credit note cannot be cancelled ----

=== a second invoice
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2030-05-10",
 "lines": [{"description": "Consulting", "quantity": "10", "rate": "100", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{inv2=uuid}}", "lines": [{"id": "{{inv2_line=uuid}}"}]}

=== the second invoice is finalized
POST /api/v1/invoices/{{inv2}}/finalize
--- 200 partial
{"invoice_number": "INV/2030-31/0002", "balance_due": "1180.00"}

=== a credit note reversing the whole line
POST /api/v1/credit_notes

{"customer_id": "{{cust}}", "invoice_id": "{{inv2}}", "credit_note_date": "2030-05-15",
 "lines": [{"invoice_line_item_id": "{{inv2_line}}", "quantity": "10"}]}
--- 201 partial
{"id": "{{cn=uuid}}", "total_credit": "1180.00"}

=== the credit note is issued, not applied
POST /api/v1/credit_notes/{{cn}}/issue
--- 200 partial
{"credit_note_number": "CN/2030-31/0002", "status": "issued", "balance_remaining": "1180.00"}

=== invoice with an issued credit note cannot be cancelled
POST /api/v1/invoices/{{inv2}}/cancel

{"reason": "raised by mistake"}
--- 409
{"error": {"code": "invalid_state",
           "message": "the invoice has 1 issued credit note (CN/2030-31/0002); it cannot be cancelled while it stands",
           "hint": "cancel its credit notes first (POST /api/v1/credit_notes/{id}/cancel; delete their applications before)"}}

=== the refused cancel left the invoice open
GET /api/v1/invoices/{{inv2}}
--- 200 partial
{"status": "{{*}}", "cancelled_at": null, "balance_due": "1180.00"}

=== the refused cancel left the credit note issued
GET /api/v1/credit_notes/{{cn}}
--- 200 partial
{"status": "issued", "balance_remaining": "1180.00"}

=== once the credit note is cancelled
POST /api/v1/credit_notes/{{cn}}/cancel

{"reason": "the invoice is cancelled instead"}
--- 200 partial
{"status": "cancelled"}

=== the invoice can be cancelled
POST /api/v1/invoices/{{inv2}}/cancel

{"reason": "raised by mistake"}
--- 200 partial
{"status": "cancelled", "balance_due": "0.00"}

=== an invoice with payments allocated cannot be cancelled (unchanged rule)
POST /api/v1/invoices/{{inv}}/cancel

{"reason": "raised by mistake"}
--- 409 partial
{"error": {"code": "invalid_state", "message": "the invoice has payments or credits applied; it cannot be cancelled"}}

=== the invoice with payments is still open
GET /api/v1/invoices/{{inv}}
--- 200 partial
{"cancelled_at": null, "balance_due": "1080.00"}

# ---- an invoice always has a due date ----

=== a draft with the customer's terms
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2030-05-10", "lines": [{"description": "Audit", "rate": "500"}]}
--- 201 partial
{"id": "{{inv3=uuid}}", "due_date": "2030-06-09"}

=== clearing a draft due date falls back to the payment terms
PATCH /api/v1/invoices/{{inv3}}

{"due_date": null}
--- 200 partial
{"due_date": "2030-06-09"}

=== a due date given as null on create is the terms' date
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2030-05-10", "due_date": null, "payment_terms_days": 15,
 "lines": [{"description": "Audit", "rate": "500"}]}
--- 201 partial
{"id": "{{inv4=uuid}}", "due_date": "2030-05-25"}

=== finalized invoice has a due date
POST /api/v1/invoices/{{inv3}}/finalize
--- 200 partial
{"invoice_number": "INV/2030-31/0003", "due_date": "2030-06-09", "balance_due": "500.00"}

=== the finalized invoice is aged
GET /api/v1/reports/aging?as_of=2030-07-20&customer_id={{cust}}
--- 200 text
1580.00

# ---- a credit note cannot be dated before its invoice ----

=== a third finalized invoice for the credit notes
POST /api/v1/invoices/{{inv4}}/finalize
--- 200 partial
{"invoice_number": "INV/2030-31/0004", "invoice_date": "2030-05-10"}

=== credit note dated before its invoice is refused
POST /api/v1/credit_notes

{"customer_id": "{{cust}}", "invoice_id": "{{inv4}}", "credit_note_date": "2030-04-01",
 "lines": [{"description": "Audit", "rate": "100"}]}
--- 422
{"error": {"code": "invalid", "field": "credit_note_date",
           "message": "credit_note_date 2030-04-01 is before the date of the invoice it corrects (INV/2030-31/0004 2030-05-10)"}}

=== the refused note was not created
GET /api/v1/credit_notes?invoice_id={{inv4}}
--- 200
{"data": [], "next_cursor": null}

=== a note dated the invoice's day is accepted
POST /api/v1/credit_notes

{"customer_id": "{{cust}}", "invoice_id": "{{inv4}}", "credit_note_date": "2030-05-10",
 "lines": [{"description": "Audit", "rate": "100"}]}
--- 201 partial
{"id": "{{cn4=uuid}}", "credit_note_date": "2030-05-10", "version": 1}

=== moving the note's date before its invoice is refused
PATCH /api/v1/credit_notes/{{cn4}}

{"credit_note_date": "2030-05-09"}
--- 422
{"error": {"code": "invalid", "field": "credit_note_date",
           "message": "credit_note_date 2030-05-09 is before the date of the invoice it corrects (INV/2030-31/0004 2030-05-10)"}}

=== the refused patch left the note's date
GET /api/v1/credit_notes/{{cn4}}
--- 200 partial
{"credit_note_date": "2030-05-10", "status": "draft", "version": 1}

# ---- a receipt stays in the financial year of its number ----

=== receipt date cannot move to another financial year
PATCH /api/v1/receipts/{{rct}}

{"receipt_date": "2031-05-01"}
--- 422 partial
{"error": {"code": "invalid", "field": "receipt_date",
           "message": "receipt_date 2031-05-01 is in financial year 2031-32; the receipt RCT/2030-31/0001 is numbered in 2030-31 and must stay in it"}}

=== the refused patch left the receipt
GET /api/v1/receipts/{{rct}}
--- 200 partial
{"receipt_date": "2030-05-20", "receipt_number": "RCT/2030-31/0001", "financial_year": "2030-31"}

=== a receipt date cannot be cleared
PATCH /api/v1/receipts/{{rct}}

{"receipt_date": null}
--- 422
{"error": {"code": "required", "field": "receipt_date", "message": "receipt_date cannot be cleared"}}

=== a date within the same financial year is accepted
PATCH /api/v1/receipts/{{rct}}

{"receipt_date": "2031-03-31"}
--- 200 partial
{"receipt_date": "2031-03-31", "receipt_number": "RCT/2030-31/0001", "financial_year": "2030-31"}
