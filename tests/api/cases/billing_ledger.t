# billing_ledger.t — the transactions ledger (issue 5, msp-flexible-billing.md "Refunds, Credits, and
# Adjustments"): every invoice, receipt and credit note posts its row in its own transaction; credits,
# refunds and adjustments entered by hand; adjustments billed as invoice lines by the next bill run
# (taxed like their service's lines), account credit taken by the run's invoice; the balance, the
# statement and the aging agree. Each seed bullet is the title of the case that checks it.
# Years 2031-2032 are this file's own (other files' CLI runs bill every tenant on their dates, and
# every assignment here ends in 2031).
@header X-Remit-Test-Ip: 10.5.7.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Ledger {{run_id}}", "email": "owner@ledger-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller's profile
POST /api/v1/company_profiles

{"name": "Northwind MSP"}
--- 201 partial
{"id": "{{profile_id=uuid}}"}

=== IT services are taxed at 18% from 2031
POST /api/v1/tax_rates

{"category": "it_services", "name": "Tax 18%", "rate": "18", "effective_from": "2031-01-01"}
--- 201 partial
{"id": "{{rate18=uuid}}"}

=== managed support: 300.00 a month, an IT service
POST /api/v1/services

{"name": "Managed support", "service_type": "fixed", "default_rate": "300", "tax_category": "it_services"}
--- 201 partial
{"id": "{{support_id=uuid}}"}

=== a monthly plan billed in arrears
POST /api/v1/billing_plans

{"plan_name": "Care in arrears", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{arrears_id=uuid}}"}

=== the arrears plan holds managed support
POST /api/v1/billing_plans/{{arrears_id}}/services

{"service_id": "{{support_id}}"}
--- 201 partial
{"plan_id": "{{arrears_id}}"}

=== a monthly plan billed in advance
POST /api/v1/billing_plans

{"plan_name": "Care in advance", "billing_frequency": "monthly", "plan_type": "fixed", "billing_timing": "advance"}
--- 201 partial
{"id": "{{advance_id=uuid}}", "billing_timing": "advance"}

=== the advance plan holds managed support
POST /api/v1/billing_plans/{{advance_id}}/services

{"service_id": "{{support_id}}"}
--- 201 partial
{"plan_id": "{{advance_id}}"}

# ---------------------------------------------------------------------------------------------
# Entries by hand: the rules and the refusals (each refusal changes nothing)

=== customer Acme
POST /api/v1/customers

{"name": "Acme", "code": "ACME"}
--- 201 partial
{"id": "{{acme=uuid}}", "currency": "INR"}

=== Acme's arrears plan, June to August 2031
POST /api/v1/customer_billing_plans

{"customer_id": "{{acme}}", "plan_id": "{{arrears_id}}", "start_date": "2031-06-01", "end_date": "2031-08-31"}
--- 201 partial
{"id": "{{acme_plan=uuid}}"}

=== a credit is negative: a positive one is refused
POST /api/v1/transactions

{"customer_id": "{{acme}}", "transaction_type": "credit", "amount": "100", "description": "goodwill"}
--- 422
{"error": {"code": "out_of_range", "field": "amount",
           "message": "a credit lowers what the customer owes: its amount is negative (\"-100.00\")"}}

=== a refund is positive: a negative one is refused
POST /api/v1/transactions

{"customer_id": "{{acme}}", "transaction_type": "refund", "amount": "-10"}
--- 422
{"error": {"code": "out_of_range", "field": "amount",
           "message": "a refund pays money back, so the customer's balance rises: its amount is positive (\"10.00\")"}}

=== an amount of zero is refused
POST /api/v1/transactions

{"customer_id": "{{acme}}", "transaction_type": "adjustment", "amount": "0", "description": "nothing"}
--- 422
{"error": {"code": "out_of_range", "field": "amount", "message": "amount must not be zero"}}

=== an adjustment needs a description
POST /api/v1/transactions

{"customer_id": "{{acme}}", "transaction_type": "adjustment", "amount": "50"}
--- 422
{"error": {"code": "required", "field": "description",
           "message": "an adjustment needs a description: it is the invoice line's text"}}

=== an entry is in the customer's currency
POST /api/v1/transactions

{"customer_id": "{{acme}}", "transaction_type": "credit", "currency": "USD", "amount": "-10", "description": "x"}
--- 422
{"error": {"code": "invalid", "field": "currency", "message": "a ledger entry is in the customer's currency, INR"}}

=== charges and payments are written by the documents, not by hand
POST /api/v1/transactions

{"customer_id": "{{acme}}", "transaction_type": "charge", "amount": "10"}
--- 422
{"error": {"code": "invalid", "field": "transaction_type",
           "message": "charge entries are written by invoices, receipts and credit notes; enter a credit, a refund or an adjustment"}}

=== a refund cannot pay out credit the customer does not have
POST /api/v1/transactions

{"customer_id": "{{acme}}", "transaction_type": "refund", "amount": "10"}
--- 422
{"error": {"code": "invalid", "field": "amount",
           "message": "the refund of 10.00 exceeds what the customer can be refunded in INR: 0.00",
           "hint": "a refund pays back account credit, credit notes not applied and cleared receipt money not allocated"}}

=== a user (not a manager) cannot enter one
POST /api/v1/users

{"email": "clerk@ledger-{{run_id}}.example", "password": "correct horse battery", "role": "user", "first_name": "Clerk"}
--- 201 partial
{"id": "{{clerk_id=uuid}}"}

=== the clerk signs in
POST /api/v1/auth/login

{"email": "clerk@ledger-{{run_id}}.example", "password": "correct horse battery"}
--- 200 partial
{"access_token": "{{clerk=*}}"}

=== a clerk's entry is forbidden
POST /api/v1/transactions
Authorization: Bearer {{clerk}}

{"customer_id": "{{acme}}", "transaction_type": "credit", "amount": "-10", "description": "x"}
--- 403 partial
{"error": {"code": "forbidden"}}

=== every refusal changed nothing: Acme's ledger is empty
GET /api/v1/transactions?customer_id={{acme}}
--- 200
{"data": [], "next_cursor": null}

=== and its balance is zero
GET /api/v1/customers/{{acme}}/balance
--- 200
{"customer_id": "{{acme}}", "customer_code": "ACME", "customer_name": "Acme", "currency": "INR",
 "balances": [{"currency": "INR", "balance": "0.00", "charges": "0.00", "payments": "0.00", "credits": "0.00",
               "refunds": "0.00", "open_invoices": "0.00", "unapplied_credits": "0.00", "account_credit": "0.00",
               "unbilled_adjustments": "0.00", "transactions": 0, "last_transaction_date": null}]}

# ---------------------------------------------------------------------------------------------
# Adjustments become invoice lines of the next bill run; account credit is taken by its invoice

=== an account credit of 100.00 for Acme
POST /api/v1/transactions

{"customer_id": "{{acme}}", "transaction_type": "credit", "amount": "-100", "description": "Goodwill for the May outage",
 "transaction_date": "2031-06-10"}
--- 201
{"id": "{{acme_credit=uuid}}", "customer_id": "{{acme}}", "invoice_id": null, "transaction_type": "credit",
 "currency": "INR", "amount": "-100.00", "transaction_date": "2031-06-10", "description": "Goodwill for the May outage",
 "service_id": null, "applied_invoice_id": null, "source_type": "manual", "source_id": null,
 "unapplied_amount": "100.00", "sources": null, "version": 1, "created_by": "{{uuid}}",
 "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}

=== an adjustment of +50.00 for an on-site visit, on managed support
POST /api/v1/transactions

{"customer_id": "{{acme}}", "transaction_type": "adjustment", "amount": "50", "description": "On-site visit, June 12",
 "service_id": "{{support_id}}", "transaction_date": "2031-06-12"}
--- 201 partial
{"id": "{{acme_visit=uuid}}", "transaction_type": "adjustment", "amount": "50.00", "unapplied_amount": "50.00",
 "applied_invoice_id": null, "source_type": "manual"}

=== an adjustment of -20.00 for an outage, on managed support
POST /api/v1/transactions

{"customer_id": "{{acme}}", "transaction_type": "adjustment", "amount": "-20", "description": "Outage, June 20",
 "service_id": "{{support_id}}", "transaction_date": "2031-06-20"}
--- 201 partial
{"id": "{{acme_outage=uuid}}", "amount": "-20.00", "unapplied_amount": "20.00"}

=== an adjustment not billed yet is not in the balance; the credit is
GET /api/v1/customers/{{acme}}/balance
--- 200 partial
{"balances": [{"currency": "INR", "balance": "-100.00", "credits": "-100.00", "account_credit": "100.00",
               "unapplied_credits": "100.00", "unbilled_adjustments": "30.00", "transactions": 3}]}

=== the preview shows the adjustments as lines and the credit the invoice takes
POST /api/v1/billing/preview

{"customer_id": "{{acme}}", "period_start": "2031-06-01", "period_end": "2031-07-01"}
--- 200 partial
{"customer_id": "{{acme}}", "invoice_date": "2031-07-01", "currency": "INR",
 "subtotal": "330.00", "tax_total": "59.40", "total": "389.40", "credits_applied": "100.00", "balance_due": "289.40",
 "warnings": [],
 "lines": [{"charge_kind": "fixed", "amount": "300.00", "tax_rate": "18", "tax_amount": "54.00", "total": "354.00"},
           {"charge_kind": "account_adjustment", "description": "On-site visit, June 12", "service_id": "{{support_id}}",
            "quantity": "1", "rate": "50", "amount": "50.00", "tax_rate": "18", "tax_amount": "9.00", "total": "59.00",
            "calculation": {"kind": "account_adjustment", "rate_source": "entered", "period_start": null,
                            "explain": "account_adjustment: ledger transaction {{acme_visit}}, \"On-site visit, June 12\"; amount 50.00 INR; net 50.00; tax 18% (rate {{rate18}}) 9.00; total 59.00 INR"}},
           {"charge_kind": "account_adjustment", "description": "Outage, June 20", "amount": "-20.00",
            "tax_amount": "-3.60", "total": "-23.60"}]}

=== the preview changed nothing
GET /api/v1/transactions?customer_id={{acme}}&transaction_type=adjustment&order=transaction_date
--- 200 partial
{"data": [{"id": "{{acme_visit}}", "applied_invoice_id": null, "unapplied_amount": "50.00"},
          {"id": "{{acme_outage}}", "applied_invoice_id": null, "unapplied_amount": "20.00"}]}

=== the bill run of July 1
POST /api/v1/billing/runs

{"date": "2031-07-01"}
--- 201 partial
{"run_date": "2031-07-01", "invoices_created": 1, "customers_failed": 0}

=== billing adjustments are accurately recorded and affect invoice totals
GET /api/v1/invoices?customer_id={{acme}}
--- 200 partial
{"data": [{"id": "{{acme_inv1=uuid}}", "invoice_number": "{{acme_inv1_number=*}}", "status": "partially_paid",
           "subtotal": "330.00", "tax_total": "59.40", "total": "389.40", "credits_applied": "100.00",
           "balance_due": "289.40",
           "lines": [{"charge_kind": "fixed", "amount": "300.00", "tax_amount": "54.00", "transaction_id": null},
                     {"charge_kind": "account_adjustment", "description": "On-site visit, June 12",
                      "service_id": "{{support_id}}", "amount": "50.00", "tax_amount": "9.00", "total": "59.00",
                      "is_rated": true, "transaction_id": "{{acme_visit}}"},
                     {"charge_kind": "account_adjustment", "description": "Outage, June 20", "amount": "-20.00",
                      "tax_amount": "-3.60", "total": "-23.60", "transaction_id": "{{acme_outage}}"}]}],
 "next_cursor": null}

=== the adjustments name the invoice that billed them
GET /api/v1/transactions?customer_id={{acme}}&transaction_type=adjustment&order=transaction_date
--- 200 partial
{"data": [{"id": "{{acme_visit}}", "applied_invoice_id": "{{acme_inv1}}", "unapplied_amount": "0.00", "version": 2},
          {"id": "{{acme_outage}}", "applied_invoice_id": "{{acme_inv1}}", "unapplied_amount": "0.00", "version": 2}]}

=== the credit was applied to the run's invoice, like a credit note
GET /api/v1/transaction_applications?transaction_id={{acme_credit}}
--- 200
{"data": [{"id": "{{acme_app=uuid}}", "transaction_id": "{{acme_credit}}", "invoice_id": "{{acme_inv1}}",
           "currency": "INR", "amount_applied": "100.00", "applied_date": "{{date}}", "notes": null, "version": 1,
           "created_by": "{{uuid}}", "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}],
 "next_cursor": null}

=== running the same date again bills and applies nothing twice
POST /api/v1/billing/runs

{"date": "2031-07-01"}
--- 201 partial
{"invoices_created": 0, "customers_failed": 0}

=== still one invoice, one application
GET /api/v1/transaction_applications?transaction_id={{acme_credit}}
--- 200 partial
{"data": [{"id": "{{acme_app}}", "amount_applied": "100.00"}], "next_cursor": null}

=== credits reduce the clients outstanding balance
GET /api/v1/customers/{{acme}}/balance
--- 200
{"customer_id": "{{acme}}", "customer_code": "ACME", "customer_name": "Acme", "currency": "INR",
 "balances": [{"currency": "INR", "balance": "289.40", "charges": "389.40", "payments": "0.00", "credits": "-100.00",
               "refunds": "0.00", "open_invoices": "289.40", "unapplied_credits": "0.00", "account_credit": "0.00",
               "unbilled_adjustments": "0.00", "transactions": 4, "last_transaction_date": "2031-07-01"}]}

=== the statement agrees with the ledger
GET /api/v1/customers/{{acme}}/statement?from=2031-01-01&to=2031-12-31
--- 200 partial
{"opening_balance": "0.00", "closing_balance": "289.40",
 "entries": [{"date": "2031-06-10", "type": "account_credit", "number": null, "credit": "100.00", "balance": "-100.00",
              "description": "Goodwill for the May outage"},
             {"date": "2031-07-01", "type": "invoice", "number": "{{acme_inv1_number}}", "debit": "389.40",
              "balance": "289.40"}]}

=== a credit applied to an invoice can be un-applied (the invoice owes it again)
DELETE /api/v1/transaction_applications/{{acme_app}}
--- 204 empty

=== the invoice owes the whole total again and the credit is available again
GET /api/v1/invoices/{{acme_inv1}}
--- 200 partial
{"credits_applied": "0.00", "balance_due": "389.40", "status": "pending"}

=== the credit is unapplied again
GET /api/v1/transactions/{{acme_credit}}
--- 200 partial
{"unapplied_amount": "100.00", "applied_invoice_id": null, "version": 3}

=== and it can be applied again by hand, in part
POST /api/v1/transaction_applications

{"transaction_id": "{{acme_credit}}", "invoice_id": "{{acme_inv1}}", "amount_applied": "60"}
--- 201 partial
{"amount_applied": "60.00", "currency": "INR"}

=== not more than is left of the credit
POST /api/v1/transaction_applications

{"transaction_id": "{{acme_credit}}", "invoice_id": "{{acme_inv1}}", "amount_applied": "40.01"}
--- 422
{"error": {"code": "invalid", "field": "amount_applied",
           "message": "amount_applied exceeds the credit's unapplied amount of 40.00"}}

=== an adjustment is not credit to apply
POST /api/v1/transaction_applications

{"transaction_id": "{{acme_visit}}", "invoice_id": "{{acme_inv1}}", "amount_applied": "1"}
--- 422
{"error": {"code": "invalid", "field": "transaction_id",
           "message": "only account credit is applied to invoices (a credit, or an invoice whose total is negative); this is a adjustment of 50.00"}}

=== the ledger balance did not move: applications move money between documents
GET /api/v1/customers/{{acme}}/balance
--- 200 partial
{"balances": [{"balance": "289.40", "open_invoices": "329.40", "unapplied_credits": "40.00", "account_credit": "40.00"}]}

# ---------------------------------------------------------------------------------------------
# Refunds pay out the customer's credit and use it up; the documents post their own rows

=== customer Beta
POST /api/v1/customers

{"name": "Beta", "code": "BETA"}
--- 201 partial
{"id": "{{beta=uuid}}"}

=== an invoice of 1000.00 for Beta
POST /api/v1/invoices

{"customer_id": "{{beta}}", "invoice_date": "2031-06-05", "lines": [{"description": "Migration project", "rate": "1000", "tax_rate": "0"}]}
--- 201 partial
{"id": "{{beta_inv=uuid}}", "total": "1000.00"}

=== issuing it posts a charge
POST /api/v1/invoices/{{beta_inv}}/finalize
--- 200 partial
{"invoice_number": "{{beta_inv_number=*}}", "status": "pending", "balance_due": "1000.00"}

=== a cleared receipt of 1500.00 pays it and leaves 500.00 unallocated
POST /api/v1/receipts

{"customer_id": "{{beta}}", "amount": "1500", "receipt_date": "2031-06-10", "status": "cleared", "invoice_id": "{{beta_inv}}"}
--- 201 partial
{"id": "{{beta_rcpt=uuid}}", "receipt_number": "{{beta_rcpt_number=*}}", "allocated_amount": "1000.00",
 "unallocated_amount": "500.00", "refunded_amount": "0.00"}

=== a credit note of 118.00 for Beta
POST /api/v1/credit_notes

{"customer_id": "{{beta}}", "credit_note_date": "2031-06-12", "reason": "Service credit",
 "lines": [{"description": "Service credit", "rate": "100", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{beta_cn=uuid}}", "total_credit": "118.00"}

=== issuing it posts a credit
POST /api/v1/credit_notes/{{beta_cn}}/issue
--- 200 partial
{"credit_note_number": "{{beta_cn_number=*}}", "status": "issued", "balance_remaining": "118.00"}

=== an account credit of 50.00 for Beta
POST /api/v1/transactions

{"customer_id": "{{beta}}", "transaction_type": "credit", "amount": "-50", "description": "Referral bonus",
 "transaction_date": "2031-06-14"}
--- 201 partial
{"id": "{{beta_credit=uuid}}", "unapplied_amount": "50.00"}

=== Beta is owed 668.00: the credit, the credit note and the money not allocated
GET /api/v1/customers/{{beta}}/balance
--- 200 partial
{"balances": [{"balance": "-668.00", "open_invoices": "0.00", "unapplied_credits": "668.00", "account_credit": "50.00"}]}

=== refunds are correctly applied to client accounts and reflected in transactions
POST /api/v1/transactions

{"customer_id": "{{beta}}", "transaction_type": "refund", "amount": "600", "description": "Refund by bank transfer",
 "transaction_date": "2031-06-20"}
--- 201
{"id": "{{beta_refund=uuid}}", "customer_id": "{{beta}}", "invoice_id": null, "transaction_type": "refund",
 "currency": "INR", "amount": "600.00", "transaction_date": "2031-06-20", "description": "Refund by bank transfer",
 "service_id": null, "applied_invoice_id": null, "source_type": "manual", "source_id": null, "unapplied_amount": "0.00",
 "sources": [{"source": "transaction", "id": "{{beta_credit}}", "number": null, "amount": "50.00"},
             {"source": "credit_note", "id": "{{beta_cn}}", "number": "{{beta_cn_number}}", "amount": "118.00"},
             {"source": "receipt", "id": "{{beta_rcpt}}", "number": "{{beta_rcpt_number}}", "amount": "432.00"}],
 "version": 1, "created_by": "{{uuid}}", "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}

=== the refund raised Beta's balance by what it paid out
GET /api/v1/customers/{{beta}}/balance
--- 200 partial
{"balances": [{"balance": "-68.00", "refunds": "600.00", "unapplied_credits": "68.00", "account_credit": "0.00"}]}

=== the refunded money is used up: the account credit
GET /api/v1/transactions/{{beta_credit}}
--- 200 partial
{"unapplied_amount": "0.00", "applied_invoice_id": null}

=== the refunded money is used up: the credit note
GET /api/v1/credit_notes/{{beta_cn}}
--- 200 partial
{"status": "applied", "balance_remaining": "0.00"}

=== the refunded money is used up: the receipt
GET /api/v1/receipts/{{beta_rcpt}}
--- 200 partial
{"status": "cleared", "allocated_amount": "1000.00", "refunded_amount": "432.00", "unallocated_amount": "68.00",
 "version": "{{rcpt_version=*}}"}

=== a refund of more than is left is refused
POST /api/v1/transactions

{"customer_id": "{{beta}}", "transaction_type": "refund", "amount": "68.01"}
--- 422
{"error": {"code": "invalid", "field": "amount",
           "message": "the refund of 68.01 exceeds what the customer can be refunded in INR: 68.00",
           "hint": "a refund pays back account credit, credit notes not applied and cleared receipt money not allocated"}}

=== a receipt some of whose money was refunded cannot bounce
POST /api/v1/receipts/{{beta_rcpt}}/bounce

{"reason": "cheque returned"}
--- 409
{"error": {"code": "invalid_state", "message": "432.00 of this receipt was refunded to the customer; it cannot be bounced",
           "hint": "record what the customer owes back as a ledger adjustment instead"}}

=== the refusals changed nothing
GET /api/v1/receipts/{{beta_rcpt}}
--- 200 partial
{"status": "cleared", "refunded_amount": "432.00", "unallocated_amount": "68.00", "version": {{rcpt_version}}}

=== an invoice issued and then cancelled posts its charge and the reversal
POST /api/v1/invoices

{"customer_id": "{{beta}}", "invoice_date": "2031-06-25", "lines": [{"description": "Wrong customer", "rate": "200", "tax_rate": "0"}]}
--- 201 partial
{"id": "{{beta_inv2=uuid}}"}

=== issue the second invoice
POST /api/v1/invoices/{{beta_inv2}}/finalize
--- 200 partial
{"invoice_number": "{{beta_inv2_number=*}}"}

=== cancel it
POST /api/v1/invoices/{{beta_inv2}}/cancel

{"reason": "billed the wrong customer"}
--- 200 partial
{"status": "cancelled"}

=== a receipt that bounces posts its payment and the reversal
POST /api/v1/receipts

{"customer_id": "{{beta}}", "amount": "70", "receipt_date": "2031-06-26", "payment_method": "cheque"}
--- 201 partial
{"id": "{{beta_rcpt2=uuid}}", "receipt_number": "{{beta_rcpt2_number=*}}"}

=== the cheque bounces
POST /api/v1/receipts/{{beta_rcpt2}}/bounce

{"reason": "insufficient funds"}
--- 200 partial
{"status": "bounced"}

=== the transaction history accurately reflects all financial activities
GET /api/v1/transactions?customer_id={{beta}}&order=transaction_date&limit=100
--- 200 partial
{"data": [{"transaction_date": "2031-06-05", "transaction_type": "charge", "amount": "1000.00", "invoice_id": "{{beta_inv}}",
           "source_type": "invoice", "source_id": "{{beta_inv}}", "description": "Invoice {{beta_inv_number}}"},
          {"transaction_date": "2031-06-10", "transaction_type": "payment", "amount": "-1500.00",
           "invoice_id": "{{beta_inv}}", "source_type": "receipt", "source_id": "{{beta_rcpt}}",
           "description": "Receipt {{beta_rcpt_number}}"},
          {"transaction_date": "2031-06-12", "transaction_type": "credit", "amount": "-118.00", "invoice_id": null,
           "source_type": "credit_note", "source_id": "{{beta_cn}}", "description": "Credit note {{beta_cn_number}}"},
          {"transaction_date": "2031-06-14", "transaction_type": "credit", "amount": "-50.00", "id": "{{beta_credit}}",
           "source_type": "manual", "description": "Referral bonus"},
          {"transaction_date": "2031-06-20", "transaction_type": "refund", "amount": "600.00", "id": "{{beta_refund}}",
           "source_type": "manual"},
          {"transaction_date": "2031-06-25", "transaction_type": "charge", "amount": "200.00", "invoice_id": "{{beta_inv2}}",
           "source_type": "invoice", "description": "Invoice {{beta_inv2_number}}"},
          {"transaction_date": "2031-06-25", "transaction_type": "charge", "amount": "-200.00", "invoice_id": "{{beta_inv2}}",
           "source_type": "invoice_cancellation", "source_id": "{{beta_inv2}}",
           "description": "Invoice {{beta_inv2_number}} cancelled: billed the wrong customer"},
          {"transaction_date": "2031-06-26", "transaction_type": "payment", "amount": "-70.00", "source_type": "receipt",
           "source_id": "{{beta_rcpt2}}"},
          {"transaction_date": "2031-06-26", "transaction_type": "payment", "amount": "70.00", "source_type": "receipt_bounce",
           "source_id": "{{beta_rcpt2}}", "description": "Receipt {{beta_rcpt2_number}} bounced: insufficient funds"}],
 "next_cursor": null}

=== the newest first by default
GET /api/v1/transactions?customer_id={{beta}}&limit=1
--- 200 partial
{"data": [{"transaction_date": "2031-06-26"}]}

=== the statement and the ledger agree on Beta
GET /api/v1/customers/{{beta}}/statement?from=2031-01-01&to=2031-12-31
--- 200 partial
{"opening_balance": "0.00", "closing_balance": "-68.00", "total_debits": "1870.00", "total_credits": "1938.00"}

=== and so does the aging: open invoices less unapplied credits
GET /api/v1/reports/aging?as_of=2031-12-31&customer_id={{beta}}
--- 200 partial
{"customers": [{"customer_id": "{{beta}}", "total": "0.00", "unapplied_credits": "68.00", "net": "-68.00"}]}

=== the ledger is append-only: no update
PATCH /api/v1/transactions/{{beta_refund}}

{"description": "changed"}
--- 405 partial
{"error": {"code": "method_not_allowed"}}

=== the ledger is append-only: no delete
DELETE /api/v1/transactions/{{beta_refund}}
--- 405 partial
{"error": {"code": "method_not_allowed"}}

# ---------------------------------------------------------------------------------------------
# Integration: a cancellation after an advance invoice, a refund and an adjustment, through the
# customer's account, the statement and the aging

=== customer Gamma
POST /api/v1/customers

{"name": "Gamma", "code": "GAMMA"}
--- 201 partial
{"id": "{{gamma=uuid}}"}

=== Gamma's plan is billed in advance, June to August 2031
POST /api/v1/customer_billing_plans

{"customer_id": "{{gamma}}", "plan_id": "{{advance_id}}", "start_date": "2031-06-01", "end_date": "2031-08-31"}
--- 201 partial
{"id": "{{gamma_plan=uuid}}"}

=== the run of June 2 bills June in advance
POST /api/v1/billing/runs

{"date": "2031-06-02"}
--- 201 partial
{"invoices_created": 1, "customers_failed": 0}

=== Gamma's June invoice
GET /api/v1/invoices?customer_id={{gamma}}
--- 200 partial
{"data": [{"id": "{{gamma_inv1=uuid}}", "total": "354.00", "balance_due": "354.00"}]}

=== Gamma pays it
POST /api/v1/receipts

{"customer_id": "{{gamma}}", "amount": "354", "receipt_date": "2031-06-05", "status": "cleared", "invoice_id": "{{gamma_inv1}}"}
--- 201 partial
{"allocated_amount": "354.00", "unallocated_amount": "0.00"}

=== Gamma cancels its service from June 16
POST /api/v1/service_status

{"customer_id": "{{gamma}}", "status": "cancelled", "status_date": "2031-06-16", "reason": "moved to another provider"}
--- 201 partial
{"status": "cancelled"}

=== the next run credits the 15 unused days of June: an invoice whose total is negative
POST /api/v1/billing/preview

{"customer_id": "{{gamma}}", "period_start": "2031-06-02", "period_end": "2031-07-02"}
--- 200 partial
{"subtotal": "-150.00", "tax_total": "-27.00", "total": "-177.00", "credits_applied": "0.00", "balance_due": "-177.00",
 "lines": [{"charge_kind": "adjustment", "amount": "-150.00", "tax_amount": "-27.00", "total": "-177.00"}]}

=== the run of July 2
POST /api/v1/billing/runs

{"date": "2031-07-02"}
--- 201 partial
{"invoices_created": 1, "customers_failed": 0}

=== the credit invoice
GET /api/v1/invoices?customer_id={{gamma}}&total[lt]=0
--- 200 partial
{"data": [{"id": "{{gamma_inv2=uuid}}", "total": "-177.00", "status": "paid"}]}

=== its negative charge is account credit
GET /api/v1/transactions?customer_id={{gamma}}&source_id={{gamma_inv2}}
--- 200 partial
{"data": [{"id": "{{gamma_credit=uuid}}", "transaction_type": "charge", "amount": "-177.00", "unapplied_amount": "177.00",
           "transaction_date": "2031-07-02", "source_type": "invoice"}]}

=== Gamma is refunded 100.00 of it
POST /api/v1/transactions

{"customer_id": "{{gamma}}", "transaction_type": "refund", "amount": "100", "transaction_date": "2031-07-05"}
--- 201 partial
{"sources": [{"source": "transaction", "id": "{{gamma_credit}}", "number": null, "amount": "100.00"}]}

=== and is charged 30.00 for a final report
POST /api/v1/transactions

{"customer_id": "{{gamma}}", "transaction_type": "adjustment", "amount": "30", "description": "Final report",
 "service_id": "{{support_id}}", "transaction_date": "2031-07-10"}
--- 201 partial
{"id": "{{gamma_report=uuid}}"}

=== a reduction bigger than the next invoice waits for a later one
POST /api/v1/transactions

{"customer_id": "{{gamma}}", "transaction_type": "adjustment", "amount": "-500", "description": "Disputed migration",
 "service_id": "{{support_id}}", "transaction_date": "2031-07-01"}
--- 201 partial
{"id": "{{gamma_dispute=uuid}}"}

=== the preview of August bills the report alone and takes the credit left
POST /api/v1/billing/preview

{"customer_id": "{{gamma}}", "period_start": "2031-07-02", "period_end": "2031-08-02"}
--- 200
{"customer_id": "{{gamma}}", "period_start": "2031-07-02", "period_end": "2031-08-02", "invoice_date": "2031-08-02",
 "currency": "INR", "exchange_rate": "1", "gross_total": "30.00", "discount_total": "0.00", "subtotal": "30.00",
 "tax_total": "5.40", "total": "35.40", "credits_applied": "35.40", "balance_due": "0.00", "warnings": [],
 "awaiting_approval": [], "records_awaiting_approval": 0,
 "lines": [{"description": "Final report", "service_id": "{{support_id}}", "charge_kind": "account_adjustment",
            "quantity": "1", "rate": "30", "gross_amount": "30.00", "discount_amount": "0.00", "amount": "30.00",
            "tax_rate": "18", "tax_amount": "5.40", "total": "35.40", "calculation": "{{*}}"}]}

=== the run of August 2
POST /api/v1/billing/runs

{"date": "2031-08-02"}
--- 201 partial
{"customers_failed": 0}

=== the report was billed and paid by the credit
GET /api/v1/invoices?customer_id={{gamma}}&invoice_date=2031-08-02
--- 200 partial
{"data": [{"total": "35.40", "credits_applied": "35.40", "balance_due": "0.00", "status": "paid",
           "lines": [{"description": "Final report", "transaction_id": "{{gamma_report}}"}]}]}

=== the reduction still waits
GET /api/v1/transactions/{{gamma_dispute}}
--- 200 partial
{"applied_invoice_id": null, "unapplied_amount": "500.00"}

=== cancellations, refunds, and adjustments are accurately reflected in client accounts and financial reports
GET /api/v1/customers/{{gamma}}/balance
--- 200
{"customer_id": "{{gamma}}", "customer_code": "GAMMA", "customer_name": "Gamma", "currency": "INR",
 "balances": [{"currency": "INR", "balance": "-41.60", "charges": "212.40", "payments": "-354.00", "credits": "0.00",
               "refunds": "100.00", "open_invoices": "0.00", "unapplied_credits": "41.60", "account_credit": "41.60",
               "unbilled_adjustments": "-500.00", "transactions": 7, "last_transaction_date": "2031-08-02"}]}

=== Gamma's statement closes at the ledger's balance
GET /api/v1/customers/{{gamma}}/statement?from=2031-01-01&to=2031-12-31
--- 200 partial
{"closing_balance": "-41.60",
 "entries": [{"date": "2031-06-02", "type": "invoice", "debit": "354.00"},
             {"date": "2031-06-05", "type": "receipt", "credit": "354.00"},
             {"date": "2031-07-02", "type": "invoice", "credit": "177.00"},
             {"date": "2031-07-05", "type": "refund", "debit": "100.00"},
             {"date": "2031-08-02", "type": "invoice", "debit": "35.40", "balance": "-41.60"}]}

=== Gamma's aging: nothing open, 41.60 of credit
GET /api/v1/reports/aging?as_of=2031-12-31&customer_id={{gamma}}
--- 200 partial
{"customers": [{"customer_id": "{{gamma}}", "total": "0.00", "unapplied_credits": "41.60", "net": "-41.60"}]}

=== the credit invoice cannot be cancelled once its credit was used
POST /api/v1/invoices/{{gamma_inv2}}/cancel

{"reason": "typo"}
--- 409
{"error": {"code": "invalid_state",
           "message": "the invoice's total is negative and 135.40 of that credit was applied or refunded; it cannot be cancelled",
           "hint": "delete its transaction_applications first"}}

=== and nothing changed
GET /api/v1/invoices/{{gamma_inv2}}
--- 200 partial
{"status": "paid", "total": "-177.00"}

# ---------------------------------------------------------------------------------------------
# A customer without a plan is invoiced for its adjustments; cancelling the invoice releases them
# for the next run; an adjustment dated on or after the run's date waits for a later run

=== customer Delta, who holds no plan
POST /api/v1/customers

{"name": "Delta", "code": "DELTA"}
--- 201 partial
{"id": "{{delta=uuid}}"}

=== Delta is charged 75.00 for a site survey
POST /api/v1/transactions

{"customer_id": "{{delta}}", "transaction_type": "adjustment", "amount": "75", "description": "Site survey",
 "service_id": "{{support_id}}", "transaction_date": "2031-08-20"}
--- 201 partial
{"id": "{{delta_survey=uuid}}", "unapplied_amount": "75.00"}

=== and 40.00 for cabling dated September 1, the day of the next run
POST /api/v1/transactions

{"customer_id": "{{delta}}", "transaction_type": "adjustment", "amount": "40", "description": "Cabling",
 "transaction_date": "2031-09-01"}
--- 201 partial
{"id": "{{delta_cabling=uuid}}", "unapplied_amount": "40.00"}

=== the preview of September 1 bills the survey alone
POST /api/v1/billing/preview

{"customer_id": "{{delta}}", "period_start": "2031-08-01", "period_end": "2031-09-01"}
--- 200 partial
{"subtotal": "75.00", "tax_total": "13.50", "total": "88.50",
 "lines": [{"description": "Site survey", "charge_kind": "account_adjustment", "amount": "75.00"}]}

=== the run of September 1
POST /api/v1/billing/runs

{"date": "2031-09-01"}
--- 201 partial
{"customers_failed": 0}

=== adjustments of a customer without a plan are invoiced by the run
GET /api/v1/invoices?customer_id={{delta}}
--- 200 partial
{"data": [{"id": "{{delta_inv1=uuid}}", "invoice_date": "2031-09-01", "status": "pending", "total": "88.50",
           "lines": [{"description": "Site survey", "transaction_id": "{{delta_survey}}", "amount": "75.00"}]}],
 "next_cursor": null}

=== the survey names its invoice; the cabling waits
GET /api/v1/transactions?customer_id={{delta}}&transaction_type=adjustment&order=transaction_date
--- 200 partial
{"data": [{"id": "{{delta_survey}}", "applied_invoice_id": "{{delta_inv1}}", "unapplied_amount": "0.00", "version": 2},
          {"id": "{{delta_cabling}}", "applied_invoice_id": null, "unapplied_amount": "40.00", "version": 1}]}

=== cancelling an invoice releases the adjustments it billed
POST /api/v1/invoices/{{delta_inv1}}/cancel

{"reason": "the survey was billed to the wrong site"}
--- 200 partial
{"status": "cancelled"}

=== the survey waits for the next run again
GET /api/v1/transactions/{{delta_survey}}
--- 200 partial
{"applied_invoice_id": null, "unapplied_amount": "75.00", "version": 3}

=== the release is audited
GET /api/v1/audit_logs?entity_id={{delta_survey}}&order=created_at
--- 200 partial
{"data": [{"action": "create"}, {"action": "bill"}, {"action": "release"}]}

=== Delta's ledger: the charge and its reversal, both adjustments unbilled
GET /api/v1/customers/{{delta}}/balance
--- 200 partial
{"balances": [{"balance": "0.00", "charges": "0.00", "unbilled_adjustments": "115.00", "transactions": 4}]}

=== the run of October 1 bills both on a new invoice
POST /api/v1/billing/runs

{"date": "2031-10-01"}
--- 201 partial
{"customers_failed": 0}

=== Delta's October invoice
GET /api/v1/invoices?customer_id={{delta}}&status=pending
--- 200 partial
{"data": [{"invoice_date": "2031-10-01", "subtotal": "115.00",
           "lines": [{"description": "Site survey", "transaction_id": "{{delta_survey}}"},
                     {"description": "Cabling", "transaction_id": "{{delta_cabling}}"}]}],
 "next_cursor": null}

=== a customer whose adjustments are all billed is not visited again
POST /api/v1/billing/runs

{"date": "2031-11-01"}
--- 201 partial
{"customers_failed": 0}

=== still two invoices for Delta
GET /api/v1/invoices?customer_id={{delta}}&order=invoice_date
--- 200 partial
{"data": [{"status": "cancelled"}, {"status": "pending"}], "next_cursor": null}
