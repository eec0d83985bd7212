# billing.t — the billing engine through the API (issue 5): plans, assignments, the preview, bill
# runs. Acceptance examples: proration (300.00 from the 11th of a 30-day month = 200.00, a leap
# February, a plan ending mid-period), buckets (10 h, 12.5 h used, 150.00/h = 375.00 overage;
# 3 unused hours roll into the next period only), the preview equals the invoice the run makes,
# a rerun bills nothing twice, overlapping bucket plans are refused at assignment.
@header X-Remit-Test-Ip: 10.5.1.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Billing {{run_id}}", "email": "owner@billing-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller's profile (invoices are issued by it)
POST /api/v1/company_profiles

{"name": "Northwind MSP"}
--- 201 partial
{"id": "{{profile_id=uuid}}"}

=== a fixed service at 300.00 a month
POST /api/v1/services

{"name": "Managed support", "service_type": "fixed", "default_rate": "300"}
--- 201 partial
{"id": "{{support_id=uuid}}"}

=== a monthly fixed plan
POST /api/v1/billing_plans

{"plan_name": "Monthly care", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{monthly_id=uuid}}", "is_custom": false, "billing_timing": "arrears"}

=== a plan's frequency is one of the seed's
POST /api/v1/billing_plans

{"plan_name": "Daily", "billing_frequency": "daily", "plan_type": "fixed"}
--- 422 partial
{"error": {"code": "invalid", "field": "billing_frequency"}}

=== the plan holds the service
POST /api/v1/billing_plans/{{monthly_id}}/services

{"service_id": "{{support_id}}"}
--- 201 partial
{"plan_id": "{{monthly_id}}", "service_id": "{{support_id}}", "quantity": 1}

=== customers
POST /api/v1/customers

{"name": "Starts on the 11th"}
--- 201 partial
{"id": "{{c11_id=uuid}}"}

=== a customer whose plan ends mid-period
POST /api/v1/customers

{"name": "Ends on the 15th"}
--- 201 partial
{"id": "{{c15_id=uuid}}"}

=== proration: a monthly 300.00 plan assigned from the 11th of June (30 days)
POST /api/v1/customer_billing_plans

{"customer_id": "{{c11_id}}", "plan_id": "{{monthly_id}}", "start_date": "2030-06-11", "end_date": "2030-06-30"}
--- 201 partial
{"id": "{{a11_id=uuid}}", "charged_through": null, "is_active": true}

=== an assignment cannot end before it starts
POST /api/v1/customer_billing_plans

{"customer_id": "{{c15_id}}", "plan_id": "{{monthly_id}}", "start_date": "2030-06-10", "end_date": "2030-06-01"}
--- 422 partial
{"error": {"code": "invalid", "field": "end_date"}}

=== proration: a plan ending on June 15
POST /api/v1/customer_billing_plans

{"customer_id": "{{c15_id}}", "plan_id": "{{monthly_id}}", "start_date": "2030-06-01", "end_date": "2030-06-15"}
--- 201 partial
{"id": "{{a15_id=uuid}}"}

=== the preview of a plan starting on the 11th of a 30-day month bills 200.00
POST /api/v1/billing/preview

{"customer_id": "{{c11_id}}", "period_start": "2030-06-01", "period_end": "2030-07-01"}
--- 200 partial
{"customer_id": "{{c11_id}}", "invoice_date": "2030-07-01", "currency": "INR", "subtotal": "200.00",
 "tax_total": "0.00", "total": "200.00",
 "lines": [{"charge_kind": "fixed", "service_id": "{{support_id}}", "quantity": "1", "rate": "300",
            "amount": "200.00", "total": "200.00",
            "calculation": {"plan_id": "{{monthly_id}}", "customer_billing_plan_id": "{{a11_id}}",
                            "period_start": "2030-06-01", "period_end": "2030-07-01",
                            "days_used": 20, "days_in_period": 30, "rate_source": "service_default",
                            "explain": "{{*}}"}}]}

=== the preview changes nothing
GET /api/v1/invoices?customer_id={{c11_id}}
--- 200
{"data": [], "next_cursor": null}

=== the preview names its fields
POST /api/v1/billing/preview

{"customer_id": "{{c11_id}}", "period_start": "2030-06-01", "period_end": "2030-06-01"}
--- 422 partial
{"error": {"code": "invalid", "field": "period_end"}}

=== the preview refuses unknown fields
POST /api/v1/billing/preview

{"customer_id": "{{c11_id}}", "period_start": "2030-06-01", "period_end": "2030-07-01", "bogus": 1}
--- 422 partial
{"error": {"code": "unknown_field", "field": "bogus"}}

=== a plan ending mid-period bills only the used days
POST /api/v1/billing/preview

{"customer_id": "{{c15_id}}", "period_start": "2030-06-01", "period_end": "2030-07-01"}
--- 200 partial
{"total": "150.00", "lines": [{"amount": "150.00", "calculation": {"days_used": 15, "days_in_period": 30}}]}

=== the bill run of July 1 invoices both customers
POST /api/v1/billing/runs

{"date": "2030-07-01"}
--- 201
{"id": "{{run1_id=uuid}}", "run_date": "2030-07-01", "customers": 2, "invoices_created": 2, "skipped": 0,
 "customers_failed": 0}

=== the invoice the run made equals the preview
GET /api/v1/invoices?customer_id={{c11_id}}
--- 200 partial
{"data": [{"id": "{{inv11_id=uuid}}", "invoice_number": "{{*}}", "invoice_date": "2030-07-01", "status": "pending",
           "currency": "INR", "subtotal": "200.00", "tax_total": "0.00", "total": "200.00",
           "billing_period_start": "2030-06-01", "billing_period_end": "2030-07-01",
           "billing_run_id": "{{run1_id}}",
           "lines": [{"service_id": "{{support_id}}", "quantity": "1", "rate": "300", "amount": "200.00",
                      "total": "200.00", "is_rated": true, "charge_kind": "fixed",
                      "customer_billing_plan_id": "{{a11_id}}", "period_start": "2030-06-01",
                      "period_end": "2030-07-01",
                      "calculation": {"days_used": 20, "days_in_period": 30}}]}],
 "next_cursor": null}

=== the run advances the charged-through date
GET /api/v1/customer_billing_plans/{{a11_id}}
--- 200 partial
{"charged_through": "2030-07-01"}

=== running the same date again bills nothing twice
POST /api/v1/billing/runs

{"date": "2030-07-01"}
--- 201 partial
{"customers": 2, "invoices_created": 0, "skipped": 2}

=== a later run bills nothing more for an assignment that ended
POST /api/v1/billing/runs

{"date": "2030-08-01"}
--- 201 partial
{"invoices_created": 0}

=== still one invoice each
GET /api/v1/invoices?customer_id={{c15_id}}
--- 200 partial
{"data": [{"total": "150.00"}], "next_cursor": null}

# ---- leap February ----

=== a customer from February 15 of a leap year
POST /api/v1/customers

{"name": "Leap"}
--- 201 partial
{"id": "{{leap_id=uuid}}"}

=== assigned from 2032-02-15
POST /api/v1/customer_billing_plans

{"customer_id": "{{leap_id}}", "plan_id": "{{monthly_id}}", "start_date": "2032-02-15", "end_date": "2032-02-29"}
--- 201 partial
{"id": "{{aleap_id=uuid}}"}

=== February of a leap year has 29 days: 300 - round(300 x 14/29) = 155.17
POST /api/v1/billing/runs

{"date": "2032-03-01"}
--- 201 partial
{"invoices_created": 1}

=== the leap-year invoice
GET /api/v1/invoices?customer_id={{leap_id}}
--- 200 partial
{"data": [{"total": "155.17", "lines": [{"amount": "155.17", "calculation": {"days_used": 15, "days_in_period": 29}}]}]}

# ---- buckets of hours ----

=== a time service
POST /api/v1/services

{"name": "Support hours", "service_type": "time", "default_rate": "100", "unit_of_measure": "hour"}
--- 201 partial
{"id": "{{hours_id=uuid}}"}

=== a bucket plan
POST /api/v1/billing_plans

{"plan_name": "Retainer 10h", "billing_frequency": "monthly", "plan_type": "bucket"}
--- 201 partial
{"id": "{{bucket_plan_id=uuid}}"}

=== the bucket plan covers the time service
POST /api/v1/billing_plans/{{bucket_plan_id}}/services

{"service_id": "{{hours_id}}"}
--- 201 partial
{"service_id": "{{hours_id}}"}

=== 10 hours a month, overage 150.00 an hour, unused hours roll over
POST /api/v1/bucket_plans

{"plan_id": "{{bucket_plan_id}}", "total_hours": "10", "billing_period": "monthly", "overage_rate": "150",
 "allow_rollover": true}
--- 201 partial
{"id": "{{bucket_id=uuid}}", "total_hours": "10"}

=== a retainer customer
POST /api/v1/customers

{"name": "Retainer over"}
--- 201 partial
{"id": "{{over_id=uuid}}"}

=== a customer that rolls hours over
POST /api/v1/customers

{"name": "Retainer rollover"}
--- 201 partial
{"id": "{{roll_id=uuid}}"}

=== assigned for the first quarter of 2031
POST /api/v1/customer_billing_plans

{"customer_id": "{{over_id}}", "plan_id": "{{bucket_plan_id}}", "start_date": "2031-01-01", "end_date": "2031-03-31"}
--- 201 partial
{"id": "{{aover_id=uuid}}"}

=== overlapping bucket plans are refused at assignment
POST /api/v1/customer_billing_plans

{"customer_id": "{{over_id}}", "plan_id": "{{bucket_plan_id}}", "start_date": "2031-03-01"}
--- 409 partial
{"error": {"code": "conflict"}}

=== the refused assignment was not kept
GET /api/v1/customer_billing_plans?customer_id={{over_id}}
--- 200 partial
{"data": [{"id": "{{aover_id}}"}], "next_cursor": null}

=== the rollover customer is assigned too
POST /api/v1/customer_billing_plans

{"customer_id": "{{roll_id}}", "plan_id": "{{bucket_plan_id}}", "start_date": "2031-01-01", "end_date": "2031-03-31"}
--- 201 partial
{"id": "{{aroll_id=uuid}}"}

=== 12.5 hours in January
POST /api/v1/time_entries

{"customer_id": "{{over_id}}", "service_id": "{{hours_id}}", "start_time": "2031-01-10T04:00:00Z", "duration": 750}
--- 201 partial
{"id": "{{te1_id=uuid}}", "work_date": "2031-01-10", "billable": true, "approval_status": "none", "invoice_id": null}

=== a time entry's duration comes from its start and end
POST /api/v1/time_entries

{"customer_id": "{{roll_id}}", "service_id": "{{hours_id}}", "start_time": "2031-01-10T03:00:00Z",
 "end_time": "2031-01-10T10:00:00Z"}
--- 201 partial
{"duration": 420, "work_date": "2031-01-10"}

=== an entry cannot end before it starts
POST /api/v1/time_entries

{"customer_id": "{{roll_id}}", "service_id": "{{hours_id}}", "start_time": "2031-01-10T03:00:00Z",
 "end_time": "2031-01-10T02:00:00Z"}
--- 422 partial
{"error": {"code": "invalid", "field": "end_time"}}

=== 12 hours in February for the rollover customer
POST /api/v1/time_entries

{"customer_id": "{{roll_id}}", "service_id": "{{hours_id}}", "start_time": "2031-02-10T03:00:00Z", "duration": 720}
--- 201 partial
{"work_date": "2031-02-10"}

=== 12.5 hours in March for the rollover customer
POST /api/v1/time_entries

{"customer_id": "{{roll_id}}", "service_id": "{{hours_id}}", "start_time": "2031-03-10T03:00:00Z", "duration": 750}
--- 201 partial
{"work_date": "2031-03-10"}

=== bucket: 10 h allowance, 12.5 h used, 150.00/h gives 375.00 overage
POST /api/v1/billing/preview

{"customer_id": "{{over_id}}", "period_start": "2031-01-01", "period_end": "2031-02-01"}
--- 200 partial
{"total": "375.00", "lines": [{"charge_kind": "bucket_overage", "amount": "375.00", "quantity": "2.5", "rate": "150"}]}

=== the January run
POST /api/v1/billing/runs

{"date": "2031-02-01"}
--- 201 partial
{"customers": 4, "invoices_created": 1, "customers_failed": 0}

=== the overage invoice
GET /api/v1/invoices?customer_id={{over_id}}
--- 200 partial
{"data": [{"id": "{{inv_over_id=uuid}}", "total": "375.00", "lines": [{"amount": "375.00", "charge_kind": "bucket_overage"}]}]}

=== the time entry is billed on it
GET /api/v1/time_entries/{{te1_id}}
--- 200 partial
{"invoice_id": "{{inv_over_id}}", "billed_at": "{{*}}"}

=== a billed time entry cannot change
PATCH /api/v1/time_entries/{{te1_id}}

{"duration": 10}
--- 409 partial
{"error": {"code": "{{*}}"}}

=== bucket usage records used vs allocated
GET /api/v1/bucket_usage?customer_id={{over_id}}
--- 200 partial
{"data": [{"period_start": "2031-01-01", "period_end": "2031-02-01", "hours_used": "12.5", "overage_hours": "2.5",
           "allowance_minutes": 600, "used_minutes": 750, "rollover_out_minutes": 0, "invoice_id": "{{inv_over_id}}"}]}

=== the rollover customer used 7 of 10 hours in January: 3 roll over
GET /api/v1/bucket_usage?customer_id={{roll_id}}
--- 200 partial
{"data": [{"period_start": "2031-01-01", "used_minutes": 420, "overage_minutes": 0, "rollover_out_minutes": 180,
           "invoice_id": null}]}

=== February: 12 h against 10 + 3 rolled over, no overage
POST /api/v1/billing/runs

{"date": "2031-03-01"}
--- 201 partial
{"customers_failed": 0}

=== February's bucket: the rolled-over hours were used first
GET /api/v1/bucket_usage?customer_id={{roll_id}}&order=period_start
--- 200 partial
{"data": [{"period_start": "2031-01-01"},
          {"period_start": "2031-02-01", "rollover_in_minutes": 180, "used_minutes": 720, "overage_minutes": 0,
           "rollover_out_minutes": 60}]}

=== March: the 3 January hours do not carry twice: 12.5 h against 10 + 1 is 1.5 h over = 225.00
POST /api/v1/billing/preview

{"customer_id": "{{roll_id}}", "period_start": "2031-03-01", "period_end": "2031-04-01"}
--- 200 partial
{"total": "225.00", "lines": [{"charge_kind": "bucket_overage", "quantity": "1.5", "amount": "225.00"}]}

=== bill runs are listed
GET /api/v1/billing_runs?run_date=2030-07-01
--- 200 partial
{"data": [{"status": "completed"}, {"status": "completed"}]}
