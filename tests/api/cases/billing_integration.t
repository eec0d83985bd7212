# billing_integration.t — the seed's integration tests through the API, on both stores:
#  - "the end-to-end process of creating a billing plan with discounts, assigning it to a client,
#    and generating an invoice with taxes and currency conversion";
#  - "notifications and approvals are integrated seamlessly into billing workflows".
# Base currency INR; Hans GmbH (Germany) is invoiced in USD at 80.00 INR per USD, taxed at the
# German rate (19 %) rather than the general one (10 %). Plan "Desk": Managed desk 8,000.00 INR a
# month (= 100.00 USD) and Engineering at 4,000.00 INR an hour (= 50.00 USD), 25 % off — above the
# tenant's 20 % threshold, so the discount waits for a manager; a 10-hour day waits too (8 h).
#   July 1 run (June):  desk 100.00, tax 19.00 = 119.00; the discount and the long day wait.
#   A manager approves both.
#   August 1 run (July): desk 100.00 − 25.00 = 75.00 + 14.25 tax; June's 10 h, now approved,
#   500.00 − 125.00 = 375.00 + 71.25 tax: subtotal 450.00, discount 150.00, tax 85.50, 535.50.
# Each issued invoice is a queued "invoice issued" notification with a mail to Hans.
@header X-Remit-Test-Ip: 10.5.11.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Integration {{run_id}}", "email": "owner@integration-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller's profile
POST /api/v1/company_profiles

{"name": "Integration MSP"}
--- 201 partial
{"id": "{{*}}"}

=== a manager who approves
POST /api/v1/users

{"email": "mia-{{run_id}}@integration.example", "role": "manager", "password": "manager pass 1"}
--- 201 partial
{"id": "{{mia_id=uuid}}"}

=== the manager signs in
POST /api/v1/auth/login
Authorization:

{"email": "mia-{{run_id}}@integration.example", "password": "manager pass 1"}
--- 200 partial
{"access_token": "{{mia=string}}"}

=== discounts above 20 percent wait for approval
POST /api/v1/system_settings

{"setting_key": "billing.approval.discount_percent", "setting_type": "decimal", "setting_value": "20"}
--- 201 partial
{"setting_value": "20"}

=== time entries longer than 8 hours wait for approval
POST /api/v1/system_settings

{"setting_key": "billing.approval.time_minutes", "setting_type": "int", "setting_value": 480}
--- 201 partial
{"setting_value": 480}

=== the dollar at 80.00 rupees
POST /api/v1/exchange_rates

{"currency": "USD", "rate": "80", "effective_date": "2030-01-01"}
--- 201 partial
{"rate": "80"}

=== the general rate, 10 percent
POST /api/v1/tax_rates

{"category": "standard", "rate": "10", "effective_from": "2030-01-01", "tax_type": "vat"}
--- 201 partial
{"id": "{{general=uuid}}"}

=== Germany's rate, 19 percent
POST /api/v1/tax_rates

{"category": "standard", "region": "DE", "rate": "19", "effective_from": "2030-01-01", "tax_type": "vat"}
--- 201 partial
{"id": "{{german=uuid}}"}

=== the managed desk at 8,000.00 a month
POST /api/v1/services

{"name": "Managed desk", "service_type": "fixed", "default_rate": "8000", "tax_category": "standard"}
--- 201 partial
{"id": "{{desk=uuid}}"}

=== engineering at 4,000.00 an hour
POST /api/v1/services

{"name": "Engineering", "service_type": "time", "default_rate": "4000", "tax_category": "standard"}
--- 201 partial
{"id": "{{eng=uuid}}"}

=== the billing plan
POST /api/v1/billing_plans

{"plan_name": "Desk", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{plan=uuid}}"}

=== the plan holds the desk
POST /api/v1/billing_plans/{{plan}}/services

{"service_id": "{{desk}}"}
--- 201 partial
{"id": "{{*}}"}

=== the plan bills engineering hours
POST /api/v1/billing_plans/{{plan}}/services

{"service_id": "{{eng}}"}
--- 201 partial
{"id": "{{*}}"}

=== the plan's discount: 25 percent waits for a manager
POST /api/v1/discounts

{"discount_name": "Launch 25%", "discount_type": "percentage", "value": "25", "start_date": "2030-06-01"}
--- 201 partial
{"id": "{{disc=uuid}}", "approval_status": "pending"}

=== on the plan
POST /api/v1/plan_discounts

{"discount_id": "{{disc}}", "plan_id": "{{plan}}"}
--- 201 partial
{"id": "{{*}}"}

=== the client, in Germany, invoiced in dollars
POST /api/v1/customers

{"name": "Hans GmbH", "currency": "USD", "country": "DE", "email": "ap@hans-{{run_id}}.example"}
--- 201 partial
{"id": "{{hans=uuid}}"}

=== the plan assigned for June and July
POST /api/v1/customer_billing_plans

{"customer_id": "{{hans}}", "plan_id": "{{plan}}", "start_date": "2030-06-01", "end_date": "2030-07-31"}
--- 201 partial
{"id": "{{*}}"}

=== a ten-hour day in June waits for approval
POST /api/v1/time_entries

{"customer_id": "{{hans}}", "service_id": "{{eng}}", "start_time": "2030-06-12T08:00:00Z", "duration": 600,
 "description": "Data-centre move"}
--- 201 partial
{"id": "{{day=uuid}}", "approval_status": "pending"}

# ---- July 1: June is billed without what waits ----

=== the preview of June says what waits
POST /api/v1/billing/preview

{"customer_id": "{{hans}}", "period_start": "2030-06-01", "period_end": "2030-07-01"}
--- 200 partial
{"currency": "USD", "exchange_rate": "80", "subtotal": "100.00", "discount_total": "0.00", "tax_total": "19.00",
 "total": "119.00", "records_awaiting_approval": 1,
 "awaiting_approval": [{"discount_id": "{{disc}}", "name": "Launch 25%"}]}

=== the july 1 run
POST /api/v1/billing/runs

{"date": "2030-07-01"}
--- 201 partial
{"invoices_created": 1, "customers_failed": 0}

=== june's invoice: in dollars at the stored rate, taxed at the German rate, no discount yet
GET /api/v1/invoices?customer_id={{hans}}
--- 200 partial
{"data": [{"id": "{{june=uuid}}", "status": "pending", "currency": "USD", "exchange_rate": "80",
           "subtotal": "100.00", "discount_total": "0.00", "tax_total": "19.00", "total": "119.00"}]}

=== june's line: the desk at 100.00 with the German 19 percent, and the calculation says so
GET /api/v1/invoices/{{june}}
--- 200 partial
{"lines": [{"service_id": "{{desk}}", "amount": "100.00", "tax_rate": "19", "tax_amount": "19.00",
            "calculation": {"tax_rate_id": "{{german}}", "rate_source": "service_default", "amount_base": 800000}}]}

=== the issued invoice is a notification queued for the client
GET /api/v1/notifications?notification_type=invoice_issued&subject_id={{june}}
--- 200 partial
{"data": [{"customer_id": "{{hans}}", "status": "queued"}]}

=== the waiting day was not billed
GET /api/v1/time_entries/{{day}}
--- 200 partial
{"approval_status": "pending", "invoice_id": null}

# ---- a manager decides ----

=== the discount's request
GET /api/v1/approvals?item_id={{disc}}
--- 200 partial
{"data": [{"id": "{{disc_req=uuid}}", "item_type": "discount", "status": "pending"}]}

=== the day's request
GET /api/v1/approvals?item_id={{day}}
--- 200 partial
{"data": [{"id": "{{day_req=uuid}}", "item_type": "time_entry", "status": "pending"}]}

=== the manager approves the discount
POST /api/v1/approvals/{{disc_req}}/approve
Authorization: Bearer {{mia}}

{"decision_note": "Launch offer agreed"}
--- 200 partial
{"status": "approved", "approved_by": "{{mia_id}}"}

=== the manager approves the day
POST /api/v1/approvals/{{day_req}}/approve
Authorization: Bearer {{mia}}

{}
--- 200 partial
{"status": "approved", "approved_by": "{{mia_id}}"}

# ---- August 1: July with the discount, and June's approved day ----

=== the august 1 run
POST /api/v1/billing/runs

{"date": "2030-08-01"}
--- 201 partial
{"invoices_created": 1, "customers_failed": 0}

=== july's invoice: the discount applies and the approved day is billed, all in dollars and taxed
GET /api/v1/invoices?customer_id={{hans}}&order=created_at
--- 200 partial
{"data": [{"id": "{{june}}", "total": "119.00"},
          {"id": "{{july=uuid}}", "currency": "USD", "exchange_rate": "80", "subtotal": "450.00",
           "discount_total": "150.00", "tax_total": "85.50", "total": "535.50"}]}

=== the approved day now names its invoice
GET /api/v1/time_entries/{{day}}
--- 200 partial
{"approval_status": "approved", "invoice_id": "{{july}}"}

=== july's invoice was notified too
GET /api/v1/notifications?notification_type=invoice_issued&subject_id={{july}}
--- 200 partial
{"data": [{"customer_id": "{{hans}}", "status": "queued"}]}

=== a run again bills nothing twice
POST /api/v1/billing/runs

{"date": "2030-08-01"}
--- 201 partial
{"invoices_created": 0, "customers_failed": 0}

=== an invoice entered by hand for the client is taxed at the German rate too
POST /api/v1/invoices

{"customer_id": "{{hans}}", "invoice_date": "2030-08-05", "lines": [{"service_id": "{{desk}}", "rate": "100"}]}
--- 201 partial
{"currency": "USD", "subtotal": "100.00", "tax_total": "19.00", "total": "119.00",
 "lines": [{"tax_rate": "19", "tax_rate_id": "{{german}}", "tax_rate_source": "tax_rate"}]}
