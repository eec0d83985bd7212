# billing_usage.t — usage records that arrive after their cycle was invoiced (issue 5): the bill
# run reads what earlier invoices billed for the cycle, so a late record is priced at the margin
# of the tiers instead of restarting them (docs/billing-rules.md section 10).
# Graduated tiers: up to 1000 GB at 0.10, up to 5000 at 0.08 plus a 5.00 flat fee, then 0.05.
@header X-Remit-Test-Ip: 10.5.4.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Usage {{run_id}}", "email": "owner@usage-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller's profile
POST /api/v1/company_profiles

{"name": "Usage MSP"}
--- 201 partial
{"id": "{{*}}"}

=== storage, metered in GB
POST /api/v1/services

{"name": "Storage", "service_type": "usage", "default_rate": "0.10", "unit_of_measure": "GB"}
--- 201 partial
{"id": "{{storage=uuid}}"}

=== a usage plan
POST /api/v1/billing_plans

{"plan_name": "Cloud", "billing_frequency": "monthly", "plan_type": "usage-based"}
--- 201 partial
{"id": "{{cloud=uuid}}"}

=== storage in graduated tiers
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "pricing_model": "graduated",
 "tiers": [{"up_to": "1000", "unit_rate": "0.10"}, {"up_to": "5000", "unit_rate": "0.08", "flat_fee": "5"},
           {"up_to": null, "unit_rate": "0.05"}]}
--- 201 partial
{"pricing_model": "graduated"}

=== a customer
POST /api/v1/customers

{"name": "Late Reporter"}
--- 201 partial
{"id": "{{cust=uuid}}"}

=== on the plan from june
POST /api/v1/customer_billing_plans

{"customer_id": "{{cust}}", "plan_id": "{{cloud}}", "start_date": "2030-06-01", "end_date": "2030-07-31"}
--- 201 partial
{"id": "{{assignment=uuid}}"}

=== 900 GB in june
POST /api/v1/usage_records

{"customer_id": "{{cust}}", "service_id": "{{storage}}", "usage_date": "2030-06-10", "quantity": "900"}
--- 201 partial
{"id": "{{u900=uuid}}"}

=== the july 1 run bills june's 900 GB: 90.00
POST /api/v1/billing/runs

{"date": "2030-07-01"}
--- 201 partial
{"invoices_created": 1, "customers_failed": 0}

=== june's invoice
GET /api/v1/invoices?customer_id={{cust}}
--- 200 partial
{"data": [{"total": "90.00", "lines": [{"charge_kind": "usage", "quantity": "900", "amount": "90.00",
                                       "period_start": "2030-06-01", "period_end": "2030-07-01"}]}]}

=== 200 GB of june reported late
POST /api/v1/usage_records

{"customer_id": "{{cust}}", "service_id": "{{storage}}", "usage_date": "2030-06-20", "quantity": "200"}
--- 201 partial
{"id": "{{late=uuid}}"}

=== 100 GB in july
POST /api/v1/usage_records

{"customer_id": "{{cust}}", "service_id": "{{storage}}", "usage_date": "2030-07-05", "quantity": "100"}
--- 201 partial
{"id": "{{u100=uuid}}"}

=== late usage is priced at the margin of what its cycle was billed
POST /api/v1/billing/preview

{"customer_id": "{{cust}}", "period_start": "2030-07-01", "period_end": "2030-08-01"}
--- 200 partial
{"total": "33.00",
 "lines": [{"charge_kind": "usage", "quantity": "200", "amount": "23.00",
            "calculation": {"late": true, "period_start": "2030-06-01", "period_end": "2030-07-01", "sources": 1}},
           {"charge_kind": "usage", "quantity": "100", "amount": "10.00",
            "calculation": {"late": false, "period_start": "2030-07-01", "period_end": "2030-08-01"}}]}

=== the august 1 run bills the late 200 GB for 23.00, not a fresh 20.00
POST /api/v1/billing/runs

{"date": "2030-08-01"}
--- 201 partial
{"invoices_created": 1, "customers_failed": 0}

=== the august invoice
GET /api/v1/invoices?customer_id={{cust}}&invoice_date=2030-08-01
--- 200 partial
{"data": [{"total": "33.00", "lines": [{"quantity": "200", "amount": "23.00", "period_start": "2030-06-01"},
                                       {"quantity": "100", "amount": "10.00", "period_start": "2030-07-01"}]}]}

=== june in all: 90.00 + 23.00 = 113.00, the price of 1100 GB
GET /api/v1/usage_records/{{late}}
--- 200 partial
{"billed_at": "{{timestamp}}", "invoice_id": "{{*}}"}

=== a second late record of june is priced after both
POST /api/v1/usage_records

{"customer_id": "{{cust}}", "service_id": "{{storage}}", "usage_date": "2030-06-25", "quantity": "100"}
--- 201 partial
{"id": "{{*}}"}

=== 1100 GB were billed: 100 more at 0.08 = 8.00
POST /api/v1/billing/preview

{"customer_id": "{{cust}}", "period_start": "2030-08-01", "period_end": "2030-09-01"}
--- 200 partial
{"total": "8.00", "lines": [{"quantity": "100", "amount": "8.00", "calculation": {"late": true}}]}
