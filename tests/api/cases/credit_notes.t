# credit_notes.t — credit notes: drafts with lines, GST reversed per rate, issued with a
# gapless number, linked to an invoice or standalone, applied to invoices (never more than a
# balance), cancelled, the PDF.
@header X-Remit-Test-Ip: 10.4.3.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Credit notes {{run_id}}", "email": "owner@credit-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller
POST /api/v1/company_profiles

{"name": "Acme Consulting Pvt Ltd", "gst_number": "27AAPFU0939F1ZV", "address": "Pune"}
--- 201 partial
{"state_code": "27"}

=== a customer in the seller's state
POST /api/v1/customers

{"name": "Mumbai Buyer", "code": "BOM", "gst_number": "27AAACH7409R1Z1"}
--- 201 partial
{"id": "{{cust=uuid}}"}

=== another customer
POST /api/v1/customers

{"name": "Other", "code": "OTH", "state_code": "29"}
--- 201 partial
{"id": "{{other=uuid}}"}

=== an invoice with lines at 18% and 5%
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2030-05-01", "due_date": "2030-06-30",
 "lines": [{"description": "Consulting", "quantity": "10", "rate": "100", "tax_rate": "18"},
           {"description": "Printed manuals", "quantity": "4", "rate": "50", "tax_rate": "5"}]}
--- 201 partial
{"id": "{{inv=uuid}}", "subtotal": "1200.00", "tax_total": "190.00", "total": "1390.00",
 "lines": [{"id": "{{line18=uuid}}"}, {"id": "{{line5=uuid}}"}]}

=== a credit note cannot be raised against a draft
POST /api/v1/credit_notes

{"customer_id": "{{cust}}", "invoice_id": "{{inv}}", "lines": [{"description": "x", "rate": "1"}]}
--- 409
{"error": {"code": "invalid_state", "field": "invoice_id",
           "message": "a credit note corrects a finalized invoice; this one is draft"}}

=== the invoice is finalized
POST /api/v1/invoices/{{inv}}/finalize
--- 200 partial
{"invoice_number": "INV/2030-31/0001", "balance_due": "1390.00"}

=== a credit note for another customer's invoice is refused
POST /api/v1/credit_notes

{"customer_id": "{{other}}", "invoice_id": "{{inv}}", "lines": [{"description": "x", "rate": "1"}]}
--- 422
{"error": {"code": "invalid", "field": "invoice_id", "message": "the invoice belongs to another customer"}}

=== a draft credit note reverses two hours of consulting with its GST (CGST + SGST at 9%)
POST /api/v1/credit_notes

{"customer_id": "{{cust}}", "invoice_id": "{{inv}}", "credit_note_date": "2030-05-20", "reason": "hours billed twice",
 "lines": [{"invoice_line_item_id": "{{line18}}", "quantity": "2"}]}
--- 201 partial
{"id": "{{cn1=uuid}}", "status": "draft", "credit_note_number": null, "currency": "INR", "place_of_supply": "27",
 "supply_type": "intra_state", "amount": "200.00", "cgst_total": "18.00", "sgst_total": "18.00",
 "gst_amount": "36.00", "total_credit": "236.00", "balance_remaining": "0.00",
 "tax_details": [{"kind": "CGST", "rate": "9", "taxable": "200.00", "amount": "18.00"},
                 {"kind": "SGST", "rate": "9", "taxable": "200.00", "amount": "18.00"}],
 "lines": [{"description": "Consulting", "quantity": "2", "rate": "100", "tax_rate": "18", "tax_rate_source": "line",
            "amount": "200.00", "tax_amount": "36.00", "total": "236.00", "invoice_line_item_id": "{{line18}}"}]}

=== a credit note's totals are the server's
POST /api/v1/credit_notes

{"customer_id": "{{cust}}", "total_credit": "5.00"}
--- 422
{"error": {"code": "read_only_field", "field": "total_credit", "message": "total_credit is computed by the server and cannot be set"}}

=== a line of another invoice cannot be reversed
POST /api/v1/credit_notes

{"customer_id": "{{cust}}", "lines": [{"invoice_line_item_id": "{{line18}}"}]}
--- 422
{"error": {"code": "invalid", "field": "lines[0].invoice_line_item_id",
           "message": "lines[0]: a standalone credit note cannot reverse an invoice line"}}

=== issuing assigns the first credit note number
POST /api/v1/credit_notes/{{cn1}}/issue
--- 200 partial
{"status": "issued", "credit_note_number": "CN/2030-31/0001", "financial_year": "2030-31", "balance_remaining": "236.00",
 "seller_gstin": "27AAPFU0939F1ZV", "billing_name": "Mumbai Buyer", "issued_at": "{{timestamp}}"}

=== an issued credit note cannot be edited
PATCH /api/v1/credit_notes/{{cn1}}

{"reason": "x"}
--- 409
{"error": {"code": "invalid_state", "message": "only draft credit notes can be changed; this one is issued"}}

=== a credit note reversing more 18% supply than the invoice charged is refused at issue
POST /api/v1/credit_notes

{"customer_id": "{{cust}}", "invoice_id": "{{inv}}", "credit_note_date": "2030-05-21",
 "lines": [{"invoice_line_item_id": "{{line18}}", "quantity": "9"}]}
--- 201 partial
{"id": "{{cn_big=uuid}}", "amount": "900.00"}

=== and issuing it names the rate
POST /api/v1/credit_notes/{{cn_big}}/issue
--- 422
{"error": {"code": "invalid", "field": "lines",
           "message": "credit notes would reverse 1100.00 of taxable value at CGST 9%, more than the 1000.00 invoice INV/2030-31/0001 charged"}}

=== a rate the invoice never charged cannot be reversed
POST /api/v1/credit_notes

{"customer_id": "{{cust}}", "invoice_id": "{{inv}}", "credit_note_date": "2030-05-21",
 "lines": [{"description": "Odd", "rate": "10", "tax_rate": "12"}]}
--- 201 partial
{"id": "{{cn_odd=uuid}}"}

=== issuing it is refused
POST /api/v1/credit_notes/{{cn_odd}}/issue
--- 422
{"error": {"code": "invalid", "field": "lines",
           "message": "invoice INV/2030-31/0001 charged no CGST 6%: there is nothing to reverse at that rate"}}

=== a refused issue took no number: the next one is 0002
POST /api/v1/credit_notes/{{cn_big}}/lines

{"invoice_line_item_id": "{{line5}}", "quantity": "1", "sort_order": 2}
--- 201 partial
{"amount": "50.00", "tax_amount": "2.50", "tax_rate": "5"}

=== the draft now has two lines at two rates
GET /api/v1/credit_notes/{{cn_big}}
--- 200 partial
{"amount": "950.00", "gst_amount": "164.50", "total_credit": "1114.50"}

=== but still too much at 18%: shrink that line
PATCH /api/v1/credit_notes/{{cn_big}}

{"lines": [{"invoice_line_item_id": "{{line18}}", "quantity": "3"}, {"invoice_line_item_id": "{{line5}}", "quantity": "1"}]}
--- 200 partial
{"amount": "350.00", "gst_amount": "56.50", "total_credit": "406.50"}

=== now it issues as 0002
POST /api/v1/credit_notes/{{cn_big}}/issue
--- 200 partial
{"credit_note_number": "CN/2030-31/0002", "balance_remaining": "406.50"}

=== apply the first note to its invoice: as much as fits by default
POST /api/v1/credit_notes/{{cn1}}/apply

{}
--- 201 partial
{"id": "{{app1=uuid}}", "credit_note_id": "{{cn1}}", "invoice_id": "{{inv}}", "amount_applied": "236.00",
 "applied_date": "{{date}}"}

=== the credit reduces the invoice's balance
GET /api/v1/invoices/{{inv}}
--- 200 partial
{"status": "partially_paid", "credits_applied": "236.00", "balance_due": "1154.00"}

=== the note is used up: applied
GET /api/v1/credit_notes/{{cn1}}
--- 200 partial
{"status": "applied", "balance_remaining": "0.00"}

=== an applied note has nothing more to give
POST /api/v1/credit_note_applications

{"credit_note_id": "{{cn1}}", "invoice_id": "{{inv}}", "amount_applied": "1"}
--- 409
{"error": {"code": "invalid_state", "field": "credit_note_id",
           "message": "the credit note is applied: only an issued note with a balance can be applied"}}

=== an application over the note's balance is refused
POST /api/v1/credit_note_applications

{"credit_note_id": "{{cn_big}}", "invoice_id": "{{inv}}", "amount_applied": "406.51"}
--- 422
{"error": {"code": "invalid", "field": "amount_applied", "message": "amount_applied exceeds the credit note's balance of 406.50"}}

=== a standalone credit note (goodwill), no invoice
POST /api/v1/credit_notes

{"customer_id": "{{cust}}", "credit_note_date": "2030-05-25", "reason": "goodwill",
 "lines": [{"description": "Goodwill credit", "rate": "2000", "tax_rate": "0"}]}
--- 201 partial
{"id": "{{cn_sa=uuid}}", "invoice_id": null, "total_credit": "2000.00"}

=== issued as 0003
POST /api/v1/credit_notes/{{cn_sa}}/issue
--- 200 partial
{"credit_note_number": "CN/2030-31/0003", "balance_remaining": "2000.00"}

=== applying more than the invoice's balance is refused
POST /api/v1/credit_note_applications

{"credit_note_id": "{{cn_sa}}", "invoice_id": "{{inv}}", "amount_applied": "1154.01"}
--- 422
{"error": {"code": "invalid", "field": "amount_applied", "message": "amount_applied exceeds the invoice's balance due of 1154.00"}}

=== a standalone note needs an invoice to apply to
POST /api/v1/credit_notes/{{cn_sa}}/apply

{}
--- 422
{"error": {"code": "required", "field": "invoice_id", "message": "invoice_id is required: the credit note is standalone"}}

=== applying the whole balance pays the invoice
POST /api/v1/credit_notes/{{cn_sa}}/apply

{"invoice_id": "{{inv}}"}
--- 201 partial
{"id": "{{app_sa=uuid}}", "amount_applied": "1154.00"}

=== the invoice is paid by credits
GET /api/v1/invoices/{{inv}}
--- 200 partial
{"status": "paid", "credits_applied": "1390.00", "balance_due": "0.00"}

=== the goodwill note keeps its remaining balance
GET /api/v1/credit_notes/{{cn_sa}}
--- 200 partial
{"status": "issued", "balance_remaining": "846.00"}

=== a note with an application cannot be cancelled
POST /api/v1/credit_notes/{{cn_sa}}/cancel

{"reason": "mistake"}
--- 409
{"error": {"code": "invalid_state", "message": "the credit note has been applied to invoices; it cannot be cancelled",
           "hint": "delete its applications (DELETE /api/v1/credit_note_applications/{id}) first"}}

=== deleting an application un-applies it
DELETE /api/v1/credit_note_applications/{{app_sa}}
--- 204 empty

=== the invoice owes again
GET /api/v1/invoices/{{inv}}
--- 200 partial
{"status": "partially_paid", "credits_applied": "236.00", "balance_due": "1154.00"}

=== now the goodwill note can be cancelled
POST /api/v1/credit_notes/{{cn_sa}}/cancel

{"reason": "goodwill withdrawn"}
--- 200 partial
{"status": "cancelled", "cancellation_reason": "goodwill withdrawn", "balance_remaining": "0.00"}

=== a cancelled note cannot be applied
POST /api/v1/credit_note_applications

{"credit_note_id": "{{cn_sa}}", "invoice_id": "{{inv}}", "amount_applied": "1"}
--- 409
{"error": {"code": "invalid_state", "field": "credit_note_id",
           "message": "the credit note is cancelled: only an issued note with a balance can be applied"}}

=== an issued note cannot be deleted
DELETE /api/v1/credit_notes/{{cn_big}}
--- 409
{"error": {"code": "invalid_state", "message": "only draft credit notes can be deleted; cancel an issued one"}}

=== a draft credit note can be deleted
DELETE /api/v1/credit_notes/{{cn_odd}}
--- 204 empty

=== the credit note as a PDF
GET /api/v1/credit_notes/{{cn1}}/pdf
--- 200 bytes
Content-Type: application/pdf
Content-Disposition: attachment; filename="CN-2030-31-0001.pdf"
