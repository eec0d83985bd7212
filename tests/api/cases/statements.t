# statements.t — what customers owe: the customer statement (opening balance, invoices,
# receipts, credit notes, closing balance) and the accounts-receivable aging (current, 1-30,
# 31-60, 61-90, over 90 days), per customer and in total, as JSON and CSV.
@header X-Remit-Test-Ip: 10.4.4.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Statements {{run_id}}", "email": "owner@statements-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller
POST /api/v1/company_profiles

{"name": "Acme Consulting Pvt Ltd", "gst_number": "27AAPFU0939F1ZV", "address": "Pune"}
--- 201 partial
{"state_code": "27"}

=== customer Alpha
POST /api/v1/customers

{"name": "Alpha Traders", "code": "ALPHA", "state_code": "27"}
--- 201 partial
{"id": "{{alpha=uuid}}"}

=== customer Beta
POST /api/v1/customers

{"name": "Beta Works", "code": "BETA", "state_code": "29"}
--- 201 partial
{"id": "{{beta=uuid}}"}

# Alpha: five invoices of 100.00 (no tax), one per aging bucket on 2030-12-31.

=== Alpha invoice not yet due
POST /api/v1/invoices

{"customer_id": "{{alpha}}", "invoice_date": "2030-12-20", "due_date": "2031-01-19", "lines": [{"description": "A", "rate": "100"}]}
--- 201 partial
{"id": "{{a1=uuid}}"}

=== Alpha invoice 16 days late
POST /api/v1/invoices

{"customer_id": "{{alpha}}", "invoice_date": "2030-11-15", "due_date": "2030-12-15", "lines": [{"description": "B", "rate": "200"}]}
--- 201 partial
{"id": "{{a2=uuid}}"}

=== Alpha invoice 46 days late
POST /api/v1/invoices

{"customer_id": "{{alpha}}", "invoice_date": "2030-10-16", "due_date": "2030-11-15", "lines": [{"description": "C", "rate": "300"}]}
--- 201 partial
{"id": "{{a3=uuid}}"}

=== Alpha invoice 77 days late
POST /api/v1/invoices

{"customer_id": "{{alpha}}", "invoice_date": "2030-09-15", "due_date": "2030-10-15", "lines": [{"description": "D", "rate": "400"}]}
--- 201 partial
{"id": "{{a4=uuid}}"}

=== Alpha invoice 152 days late
POST /api/v1/invoices

{"customer_id": "{{alpha}}", "invoice_date": "2030-07-02", "due_date": "2030-08-01", "lines": [{"description": "E", "rate": "500"}]}
--- 201 partial
{"id": "{{a5=uuid}}"}

=== finalize Alpha 1
POST /api/v1/invoices/{{a1}}/finalize
--- 200 partial
{"status": "pending"}

=== finalize Alpha 2
POST /api/v1/invoices/{{a2}}/finalize
--- 200 partial
{"status": "pending"}

=== finalize Alpha 3
POST /api/v1/invoices/{{a3}}/finalize
--- 200 partial
{"status": "pending"}

=== finalize Alpha 4
POST /api/v1/invoices/{{a4}}/finalize
--- 200 partial
{"status": "pending"}

=== finalize Alpha 5
POST /api/v1/invoices/{{a5}}/finalize
--- 200 partial
{"status": "pending"}

=== Beta invoice 1 day late, with 18% IGST
POST /api/v1/invoices

{"customer_id": "{{beta}}", "invoice_date": "2030-12-01", "due_date": "2030-12-30", "lines": [{"description": "F", "rate": "1000", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{b1=uuid}}", "total": "1180.00"}

=== finalize Beta 1
POST /api/v1/invoices/{{b1}}/finalize
--- 200 partial
{"status": "pending"}

=== a Beta draft does not count
POST /api/v1/invoices

{"customer_id": "{{beta}}", "invoice_date": "2030-12-01", "due_date": "2030-12-02", "lines": [{"description": "G", "rate": "999"}]}
--- 201 partial
{"status": "draft"}

=== Alpha pays 150.00 on the late 200.00 invoice
POST /api/v1/receipts

{"customer_id": "{{alpha}}", "receipt_date": "2030-12-20", "amount": "150", "invoice_id": "{{a2}}"}
--- 201 partial
{"allocated_amount": "150.00"}

=== Beta pays 300.00 and leaves it unallocated
POST /api/v1/receipts

{"customer_id": "{{beta}}", "receipt_date": "2030-12-21", "amount": "300"}
--- 201 partial
{"id": "{{beta_r=uuid}}", "unallocated_amount": "300.00"}

=== aging on 2030-12-31: each invoice in its bucket, credits beside
GET /api/v1/reports/aging?as_of=2030-12-31
--- 200
{"as_of": "2030-12-31", "buckets": ["current", "days_1_30", "days_31_60", "days_61_90", "days_over_90"],
 "customers": [
   {"customer_id": "{{alpha}}", "customer_code": "ALPHA", "customer_name": "Alpha Traders", "currency": "INR",
    "current": "100.00", "days_1_30": "50.00", "days_31_60": "300.00", "days_61_90": "400.00", "days_over_90": "500.00",
    "total": "1350.00", "unapplied_credits": "0.00", "net": "1350.00"},
   {"customer_id": "{{beta}}", "customer_code": "BETA", "customer_name": "Beta Works", "currency": "INR",
    "current": "0.00", "days_1_30": "1180.00", "days_31_60": "0.00", "days_61_90": "0.00", "days_over_90": "0.00",
    "total": "1180.00", "unapplied_credits": "300.00", "net": "880.00"}],
 "totals": [{"currency": "INR", "current": "100.00", "days_1_30": "1230.00", "days_31_60": "300.00",
             "days_61_90": "400.00", "days_over_90": "500.00", "total": "2530.00", "unapplied_credits": "300.00",
             "net": "2230.00"}]}

=== the aging bucket edges: 30 days late is 1-30, 31 days late is 31-60
GET /api/v1/reports/aging?as_of=2031-01-14&customer_id={{beta}}
--- 200 partial
{"customers": [{"days_1_30": "1180.00", "days_31_60": "0.00"}]}

=== and a day later
GET /api/v1/reports/aging?as_of=2031-01-30&customer_id={{beta}}
--- 200 partial
{"customers": [{"days_1_30": "0.00", "days_31_60": "1180.00"}]}

=== invoices issued after as_of are not aged
GET /api/v1/reports/aging?as_of=2030-11-01&customer_id={{alpha}}
--- 200 partial
{"customers": [{"current": "300.00", "days_1_30": "400.00", "days_31_60": "0.00", "days_over_90": "500.00", "total": "1200.00"}]}

=== aging as CSV
GET /api/v1/reports/aging?as_of=2030-12-31&format=csv
--- 200 text
Content-Type: text/csv; charset=utf-8
Content-Disposition: attachment; filename="aging-2030-12-31.csv"

customer_id,customer_code,customer_name,currency,current,days_1_30,days_31_60,days_61_90,days_over_90,total,unapplied_credits,net
{{alpha}},ALPHA,Alpha Traders,INR,100.00,50.00,300.00,400.00,500.00,1350.00,0.00,1350.00
{{beta}},BETA,Beta Works,INR,0.00,1180.00,0.00,0.00,0.00,1180.00,300.00,880.00
TOTAL,,All customers,INR,100.00,1230.00,300.00,400.00,500.00,2530.00,300.00,2230.00

=== an unknown format is refused
GET /api/v1/reports/aging?format=xml
--- 400
{"error": {"code": "bad_query", "field": "format", "message": "format must be json or csv (got xml)"}}

=== a bad as_of is refused
GET /api/v1/reports/aging?as_of=2030-02-30
--- 400
{"error": {"code": "bad_query", "field": "as_of", "message": "as_of must be a date YYYY-MM-DD"}}

# ---- the statement: a credit note and a bounced receipt for Alpha

=== an Alpha credit note of 100.00 against invoice E
POST /api/v1/credit_notes

{"customer_id": "{{alpha}}", "invoice_id": "{{a5}}", "credit_note_date": "2030-12-22", "lines": [{"description": "Discount", "rate": "100"}]}
--- 201 partial
{"id": "{{cn=uuid}}"}

=== issued
POST /api/v1/credit_notes/{{cn}}/issue
--- 200 partial
{"credit_note_number": "CN/2030-31/0001"}

=== a receipt of 400.00 from Alpha
POST /api/v1/receipts

{"customer_id": "{{alpha}}", "receipt_date": "2030-12-28", "amount": "400", "payment_method": "cheque"}
--- 201 partial
{"id": "{{alpha_r=uuid}}", "receipt_number": "RCT/2030-31/0003"}

=== that bounced
POST /api/v1/receipts/{{alpha_r}}/bounce

{"reason": "signature differs"}
--- 200 partial
{"status": "bounced"}

=== Alpha's statement for December: opening balance, events, closing balance
GET /api/v1/customers/{{alpha}}/statement?from=2030-12-01&to=2030-12-31
--- 200
{"customer_id": "{{alpha}}", "customer_code": "ALPHA", "customer_name": "Alpha Traders", "currency": "INR",
 "from": "2030-12-01", "to": "2030-12-31", "opening_balance": "1400.00",
 "entries": [
   {"date": "2030-12-20", "type": "invoice", "number": "INV/2030-31/0001", "document_id": "{{a1}}", "description": null, "debit": "100.00", "credit": null, "balance": "1500.00"},
   {"date": "2030-12-20", "type": "receipt", "number": "RCT/2030-31/0001", "document_id": "{{*}}", "description": null, "debit": null, "credit": "150.00", "balance": "1350.00"},
   {"date": "2030-12-22", "type": "credit_note", "number": "CN/2030-31/0001", "document_id": "{{cn}}", "description": null, "debit": null, "credit": "100.00", "balance": "1250.00"},
   {"date": "2030-12-28", "type": "receipt", "number": "RCT/2030-31/0003", "document_id": "{{alpha_r}}", "description": null, "debit": null, "credit": "400.00", "balance": "850.00"},
   {"date": "2030-12-28", "type": "receipt_bounced", "number": "RCT/2030-31/0003", "document_id": "{{alpha_r}}", "description": null, "debit": "400.00", "credit": null, "balance": "1250.00"}],
 "total_debits": "500.00", "total_credits": "650.00", "closing_balance": "1250.00"}

=== a bounce is never dated before its receipt; over all time closing = invoices - receipts - credits
GET /api/v1/customers/{{alpha}}/statement?from=2030-04-01&to=2099-12-31
--- 200 partial
{"opening_balance": "0.00", "total_debits": "1900.00", "total_credits": "650.00", "closing_balance": "1250.00"}

=== the statement as CSV
GET /api/v1/customers/{{alpha}}/statement?from=2030-12-01&to=2030-12-27&format=csv
--- 200 text
Content-Type: text/csv; charset=utf-8
Content-Disposition: attachment; filename="statement-ALPHA-2030-12-01-2030-12-27.csv"

date,type,number,description,debit,credit,balance
2030-12-01,opening_balance,,,,,1400.00
2030-12-20,invoice,INV/2030-31/0001,,100.00,,1500.00
2030-12-20,receipt,RCT/2030-31/0001,,,150.00,1350.00
2030-12-22,credit_note,CN/2030-31/0001,,,100.00,1250.00
2030-12-27,closing_balance,,,100.00,250.00,1250.00

=== a statement range that ends before it starts is refused
GET /api/v1/customers/{{alpha}}/statement?from=2030-12-31&to=2030-12-01
--- 400
{"error": {"code": "bad_query", "field": "to", "message": "to must not be before from"}}

=== another tenant's customer has no statement
GET /api/v1/customers/01a00000-0000-7000-8000-000000000000/statement
--- 404
{"error": {"code": "not_found", "message": "no such customers"}}
