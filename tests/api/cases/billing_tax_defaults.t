# billing_tax_defaults.t — the tax rate of a line whose service names no tax category: the
# service's own rate (services.tax_rate), else the tenant's default rate (gst_settings.default_rate).
# A bill run's invoice and an invoice entered by hand follow the same rule, so the same service is
# taxed alike on both (docs/billing-rules.md, "Tax"). Years 2033 are this file's own.
@header X-Remit-Test-Ip: 10.5.7.33

=== sign up a tenant that charges VAT at 20% by default
POST /api/v1/auth/signup

{"tenant_name": "Tax defaults {{run_id}}", "email": "owner@taxdefaults-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller's profile
POST /api/v1/company_profiles

{"name": "Harbour Consulting"}
--- 201 partial
{"id": "{{profile_id=uuid}}"}

=== the default rate is 20%
POST /api/v1/gst_settings

{"is_gst_applicable": false, "default_rate": "20"}
--- 201 partial
{"default_rate": "20"}

=== consulting names no tax category and no rate of its own
POST /api/v1/services

{"name": "Consulting", "service_type": "fixed", "default_rate": "100"}
--- 201 partial
{"id": "{{consulting=uuid}}", "tax_category": null, "tax_rate": null}

=== books are taxed at their own 5%
POST /api/v1/services

{"name": "Books", "service_type": "fixed", "default_rate": "50", "tax_rate": "5"}
--- 201 partial
{"id": "{{books=uuid}}", "tax_rate": "5"}

=== a monthly plan with both
POST /api/v1/billing_plans

{"plan_name": "Advice and reading", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{plan=uuid}}"}

=== consulting on the plan
POST /api/v1/billing_plans/{{plan}}/services

{"service_id": "{{consulting}}"}
--- 201 partial
{"plan_id": "{{plan}}"}

=== books on the plan
POST /api/v1/billing_plans/{{plan}}/services

{"service_id": "{{books}}"}
--- 201 partial
{"plan_id": "{{plan}}"}

=== customer Fjord
POST /api/v1/customers

{"name": "Fjord", "code": "FJORD"}
--- 201 partial
{"id": "{{fjord=uuid}}"}

=== Fjord holds the plan from January 2033
POST /api/v1/customer_billing_plans

{"customer_id": "{{fjord}}", "plan_id": "{{plan}}", "start_date": "2033-01-01"}
--- 201 partial
{"id": "{{fjord_plan=uuid}}"}

=== a line of no tax category is taxed at the service's own rate, else the tenant's default
POST /api/v1/billing/preview

{"customer_id": "{{fjord}}", "period_start": "2033-01-01", "period_end": "2033-02-01"}
--- 200 partial
{"subtotal": "150.00", "tax_total": "22.50", "total": "172.50", "warnings": [],
 "lines": [{"service_id": "{{consulting}}", "amount": "100.00", "tax_rate": "20", "tax_amount": "20.00",
            "calculation": {"tax_rate_id": null,
                            "explain": "{{*}}; tax 20% (the tenant's default rate) 20.00; total 120.00 {{*}}"}},
           {"service_id": "{{books}}", "amount": "50.00", "tax_rate": "5", "tax_amount": "2.50",
            "calculation": {"tax_rate_id": null,
                            "explain": "{{*}}; tax 5% (the service's own rate) 2.50; total 52.50 {{*}}"}}]}

=== the run of February 1 bills January so
POST /api/v1/billing/runs

{"date": "2033-02-01"}
--- 201 partial
{"invoices_created": 1, "customers_failed": 0}

=== the run's invoice
GET /api/v1/invoices?customer_id={{fjord}}
--- 200 partial
{"data": [{"subtotal": "150.00", "tax_total": "22.50", "total": "172.50",
           "lines": [{"service_id": "{{consulting}}", "tax_rate": "20", "tax_amount": "20.00"},
                     {"service_id": "{{books}}", "tax_rate": "5", "tax_amount": "2.50"}]}],
 "next_cursor": null}

=== an invoice entered by hand taxes the same services alike
POST /api/v1/invoices

{"customer_id": "{{fjord}}", "invoice_date": "2033-02-03",
 "lines": [{"service_id": "{{consulting}}"}, {"service_id": "{{books}}"}]}
--- 201 partial
{"subtotal": "150.00", "tax_total": "22.50", "total": "172.50",
 "lines": [{"tax_rate": "20", "tax_rate_source": "default", "tax_amount": "20.00"},
           {"tax_rate": "5", "tax_rate_source": "service", "tax_amount": "2.50"}]}
