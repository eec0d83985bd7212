# billing_upcoming.t — GET /api/v1/billing/upcoming: the next day a bill run bills each active
# plan assignment (arrears: the day its cycle ends; advance: the day it starts; an assignment
# ending inside a cycle: the day after its last day), past ones not billed yet marked overdue,
# ordered by date. The clock is put on 2027-03-10 so the dates do not depend on the day the suite runs.
@header X-Remit-Test-Ip: 10.5.9.1

=== the clock on 2027-03-10
POST /api/v1/_test/clock

{"at": "2027-03-10T12:00:00Z"}
--- 200 partial
{"now": "2027-03-10T12:00:00{{*}}"}

=== a clock instant that is not a timestamp is refused
POST /api/v1/_test/clock

{"at": "next tuesday"}
--- 422 partial
{"error": {"code": "invalid", "field": "at"}}

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Upcoming {{run_id}}", "email": "owner@upcoming-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== nothing is scheduled without assignments
GET /api/v1/billing/upcoming
--- 200
{"data": [], "today": "2027-03-10", "days": 30, "has_more": false}

=== a fixed service
POST /api/v1/services

{"name": "Managed support", "service_type": "fixed", "default_rate": "300"}
--- 201 partial
{"id": "{{svc=uuid}}"}

=== a monthly plan in arrears
POST /api/v1/billing_plans

{"plan_name": "Monthly care", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{monthly=uuid}}"}

=== a monthly plan in advance
POST /api/v1/billing_plans

{"plan_name": "Monthly upfront", "billing_frequency": "monthly", "plan_type": "fixed", "billing_timing": "advance"}
--- 201 partial
{"id": "{{upfront=uuid}}"}

=== a quarterly plan
POST /api/v1/billing_plans

{"plan_name": "Quarterly", "billing_frequency": "quarterly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{quarterly=uuid}}"}

=== an annual plan
POST /api/v1/billing_plans

{"plan_name": "Annual", "billing_frequency": "annually", "plan_type": "fixed"}
--- 201 partial
{"id": "{{annual=uuid}}"}

=== customers
POST /api/v1/customers

{"name": "Alder"}
--- 201 partial
{"id": "{{alder=uuid}}"}

=== customer two
POST /api/v1/customers

{"name": "Birch"}
--- 201 partial
{"id": "{{birch=uuid}}"}

=== February's cycle of a monthly plan in arrears, never billed: due on March 1st, overdue
POST /api/v1/customer_billing_plans

{"customer_id": "{{alder}}", "plan_id": "{{monthly}}", "start_date": "2027-02-11"}
--- 201 partial
{"id": "{{a_monthly=uuid}}"}

=== an advance plan starting on the 20th bills that day
POST /api/v1/customer_billing_plans

{"customer_id": "{{birch}}", "plan_id": "{{upfront}}", "start_date": "2027-03-20"}
--- 201 partial
{"id": "{{b_upfront=uuid}}"}

=== a quarterly plan bills when the quarter ends (April 1st)
POST /api/v1/customer_billing_plans

{"customer_id": "{{birch}}", "plan_id": "{{quarterly}}", "start_date": "2027-01-01"}
--- 201 partial
{"id": "{{b_quarterly=uuid}}"}

=== an annual plan bills next January: beyond 30 days
POST /api/v1/customer_billing_plans

{"customer_id": "{{alder}}", "plan_id": "{{annual}}", "start_date": "2027-01-01"}
--- 201 partial
{"id": "{{a_annual=uuid}}"}

=== a plan ending on the 15th bills on the 16th
POST /api/v1/customer_billing_plans

{"customer_id": "{{birch}}", "plan_id": "{{monthly}}", "start_date": "2027-03-01", "end_date": "2027-03-15"}
--- 201 partial
{"id": "{{b_ending=uuid}}"}

=== an inactive assignment is not scheduled
POST /api/v1/customer_billing_plans

{"customer_id": "{{alder}}", "plan_id": "{{quarterly}}", "start_date": "2027-01-01", "is_active": false}
--- 201

=== the next 30 days, by date, the past one overdue
GET /api/v1/billing/upcoming
--- 200
{"data": [
  {"date": "2027-03-01", "customer_id": "{{alder}}", "customer_name": "Alder", "plan_id": "{{monthly}}", "plan_name": "Monthly care", "customer_billing_plan_id": "{{a_monthly}}", "period_start": "2027-02-11", "period_end": "2027-03-01", "frequency": "monthly", "billing_timing": "arrears", "overdue": true},
  {"date": "2027-03-16", "customer_id": "{{birch}}", "customer_name": "Birch", "plan_id": "{{monthly}}", "plan_name": "Monthly care", "customer_billing_plan_id": "{{b_ending}}", "period_start": "2027-03-01", "period_end": "2027-03-16", "frequency": "monthly", "billing_timing": "arrears", "overdue": false},
  {"date": "2027-03-20", "customer_id": "{{birch}}", "customer_name": "Birch", "plan_id": "{{upfront}}", "plan_name": "Monthly upfront", "customer_billing_plan_id": "{{b_upfront}}", "period_start": "2027-03-20", "period_end": "2027-04-01", "frequency": "monthly", "billing_timing": "advance", "overdue": false},
  {"date": "2027-04-01", "customer_id": "{{birch}}", "customer_name": "Birch", "plan_id": "{{quarterly}}", "plan_name": "Quarterly", "customer_billing_plan_id": "{{b_quarterly}}", "period_start": "2027-01-01", "period_end": "2027-04-01", "frequency": "quarterly", "billing_timing": "arrears", "overdue": false}
], "today": "2027-03-10", "days": 30, "has_more": false}

=== days narrows the horizon and limit the list
GET /api/v1/billing/upcoming?days=7&limit=1
--- 200 partial
{"data": [{"date": "2027-03-01", "customer_billing_plan_id": "{{a_monthly}}"}], "days": 7, "has_more": true}

=== a bill run on March 10th bills the overdue cycle: the next date moves on a month
POST /api/v1/billing/runs

{"date": "2027-03-10"}
--- 201 partial
{"run_date": "2027-03-10"}

=== after the run, Alder's monthly plan is next billed on April 1st; the rest did not move
GET /api/v1/billing/upcoming?days=366&limit=500
--- 200 partial
{"data": [
  {"date": "2027-03-16", "customer_billing_plan_id": "{{b_ending}}"},
  {"date": "2027-03-20", "customer_billing_plan_id": "{{b_upfront}}"},
  {"date": "2027-04-01", "customer_billing_plan_id": "{{a_monthly}}", "period_start": "2027-03-01", "period_end": "2027-04-01", "overdue": false},
  {"date": "2027-04-01", "customer_billing_plan_id": "{{b_quarterly}}"},
  {"date": "2028-01-01", "customer_billing_plan_id": "{{a_annual}}", "period_start": "2027-01-01", "period_end": "2028-01-01"}
]}

=== days outside 0..366 is refused naming it
GET /api/v1/billing/upcoming?days=400
--- 400 partial
{"error": {"field": "days"}}

=== limit must be a whole number
GET /api/v1/billing/upcoming?limit=ten
--- 400 partial
{"error": {"field": "limit"}}

=== the clock back to now
POST /api/v1/_test/clock

{"offset_seconds": 0}
--- 200 partial
{"offset_seconds": 0}
