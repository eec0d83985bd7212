# billing_deleted_assignment.t — an assignment billed in advance and then deleted: the next run
# credits what was billed for the cycle (docs/billing-rules.md section 6), as the preview says.
# The run has to visit the customer although it holds no plan any more. Years 2047 are this
# file's own (after the CLI runs of other files, dated 2040).
@header X-Remit-Test-Ip: 10.5.7.47

=== sign up
POST /api/v1/auth/signup

{"tenant_name": "Deleted assignment {{run_id}}", "email": "owner@delassign-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller's profile
POST /api/v1/company_profiles

{"name": "Lindqvist's supplier"}
--- 201 partial
{"id": "{{profile_id=uuid}}"}

=== support at 300.00 a month
POST /api/v1/services

{"name": "Support", "service_type": "fixed", "default_rate": "300"}
--- 201 partial
{"id": "{{support=uuid}}"}

=== a monthly plan billed in advance
POST /api/v1/billing_plans

{"plan_name": "Care", "billing_frequency": "monthly", "plan_type": "fixed", "billing_timing": "advance"}
--- 201 partial
{"id": "{{plan=uuid}}"}

=== support on the plan
POST /api/v1/billing_plans/{{plan}}/services

{"service_id": "{{support}}"}
--- 201 partial
{"plan_id": "{{plan}}"}

=== customer Lindqvist
POST /api/v1/customers

{"name": "Lindqvist", "code": "LINDQ"}
--- 201 partial
{"id": "{{cust=uuid}}"}

=== Lindqvist holds the plan from July 2047
POST /api/v1/customer_billing_plans

{"customer_id": "{{cust}}", "plan_id": "{{plan}}", "start_date": "2047-07-01"}
--- 201 partial
{"id": "{{assignment=uuid}}"}

=== the run of July 2 bills July in advance
POST /api/v1/billing/runs

{"date": "2047-07-02"}
--- 201 partial
{"invoices_created": 1, "customers_failed": 0}

=== the assignment is deleted
DELETE /api/v1/customer_billing_plans/{{assignment}}
--- 204

=== the preview of the next run credits July
POST /api/v1/billing/preview

{"customer_id": "{{cust}}", "period_start": "2047-07-02", "period_end": "2047-08-02"}
--- 200 partial
{"total": "-300.00"}

=== a deleted assignment billed in advance is credited by the next run
POST /api/v1/billing/runs

{"date": "2047-08-02"}
--- 201 partial
{"customers": 1, "invoices_created": 1, "customers_failed": 0}

=== the customer's invoices: July's charge and its credit
GET /api/v1/invoices?customer_id={{cust}}&order=invoice_date
--- 200 partial
{"data": [{"invoice_date": "2047-07-02", "total": "300.00"},
          {"invoice_date": "2047-08-02", "total": "-300.00",
           "lines": [{"amount": "-300.00", "customer_billing_plan_id": "{{assignment}}", "description": "Credit for Support (Care), 2047-07-01 to 2047-07-31"}]}],
 "next_cursor": null}

=== a later run credits nothing more
POST /api/v1/billing/runs

{"date": "2047-09-02"}
--- 201 partial
{"invoices_created": 0, "customers_failed": 0}
