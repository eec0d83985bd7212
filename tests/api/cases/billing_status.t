# billing_status.t — suspension and cancellation through the API and bill runs (issue 5; the
# seed's "Cancellation and Suspension Handling Tests"). Plan Gold: Support (fixed 300.00 a month)
# and Consulting (time, 100.00 an hour). service_status rows apply from their date to the
# customer, a plan, a service, or a service in a plan.
@header X-Remit-Test-Ip: 10.5.3.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Status {{run_id}}", "email": "owner@status-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}", "user": {"id": "{{owner_id=uuid}}"}}

@header Authorization: Bearer {{token}}

=== the seller's profile
POST /api/v1/company_profiles

{"name": "Status MSP"}
--- 201 partial
{"id": "{{*}}"}

=== support at 300.00 a month
POST /api/v1/services

{"name": "Support", "service_type": "fixed", "default_rate": "300"}
--- 201 partial
{"id": "{{support=uuid}}"}

=== consulting at 100.00 an hour
POST /api/v1/services

{"name": "Consulting", "service_type": "time", "default_rate": "100", "unit_of_measure": "hour"}
--- 201 partial
{"id": "{{consulting=uuid}}"}

=== plan gold
POST /api/v1/billing_plans

{"plan_name": "Gold", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{gold=uuid}}"}

=== gold holds support
POST /api/v1/billing_plans/{{gold}}/services

{"service_id": "{{support}}"}
--- 201 partial
{"id": "{{*}}"}

=== gold holds consulting
POST /api/v1/billing_plans/{{gold}}/services

{"service_id": "{{consulting}}"}
--- 201 partial
{"id": "{{*}}"}

=== customer anna
POST /api/v1/customers

{"name": "Anna"}
--- 201 partial
{"id": "{{anna=uuid}}"}

=== anna holds gold from june 1
POST /api/v1/customer_billing_plans

{"customer_id": "{{anna}}", "plan_id": "{{gold}}", "start_date": "2030-06-01"}
--- 201 partial
{"id": "{{anna_gold=uuid}}"}

=== an hour of consulting on june 5
POST /api/v1/time_entries

{"customer_id": "{{anna}}", "service_id": "{{consulting}}", "start_time": "2030-06-05T09:00:00Z", "duration": 60}
--- 201 partial
{"id": "{{te_june5=uuid}}"}

=== an hour of consulting on june 15
POST /api/v1/time_entries

{"customer_id": "{{anna}}", "service_id": "{{consulting}}", "start_time": "2030-06-15T09:00:00Z", "duration": 60}
--- 201 partial
{"id": "{{te_june15=uuid}}"}

# ---- suspension ----

=== suspending needs a reason
POST /api/v1/service_status

{"customer_id": "{{anna}}", "plan_id": "{{gold}}", "status": "suspended", "status_date": "2030-06-11"}
--- 422
{"error": {"code": "required", "field": "reason", "message": "a status change needs a reason"}}

=== a plan nobody holds
POST /api/v1/billing_plans

{"plan_name": "Bronze", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{bronze=uuid}}"}

=== a plan the customer has no assignment of cannot be suspended
POST /api/v1/service_status

{"customer_id": "{{anna}}", "plan_id": "{{bronze}}", "status": "suspended", "status_date": "2030-06-11",
 "reason": "unpaid invoice"}
--- 422
{"error": {"code": "invalid", "field": "plan_id", "message": "the customer has no assignment of this plan"}}

=== nor a service it does not hold
POST /api/v1/service_status

{"customer_id": "{{anna}}", "plan_id": "{{gold}}", "service_id": "{{owner_id}}", "status": "suspended",
 "status_date": "2030-06-11", "reason": "unpaid invoice"}
--- 422 partial
{"error": {"code": "invalid_reference", "field": "service_id"}}

=== the refused suspensions recorded nothing
GET /api/v1/service_status?customer_id={{anna}}
--- 200
{"data": [], "next_cursor": null}

=== anna's plan is suspended from june 11
POST /api/v1/service_status

{"customer_id": "{{anna}}", "plan_id": "{{gold}}", "status": "suspended", "status_date": "2030-06-11",
 "reason": "unpaid invoice"}
--- 201 partial
{"id": "{{suspension=uuid}}", "status": "suspended", "status_date": "2030-06-11", "reason": "unpaid invoice"}

=== services marked as suspended do not generate charges during the suspension period
POST /api/v1/billing/preview

{"customer_id": "{{anna}}", "period_start": "2030-06-01", "period_end": "2030-07-01"}
--- 200 partial
{"total": "200.00",
 "lines": [{"charge_kind": "fixed", "service_id": "{{support}}", "amount": "100.00",
            "calculation": {"days_used": 10, "days_in_period": 30}},
           {"charge_kind": "time", "service_id": "{{consulting}}", "quantity": "1", "amount": "100.00",
            "calculation": {"sources": 1}}]}

=== a suspended service is still held
GET /api/v1/customers/{{anna}}/services?on=2030-06-15
--- 200 partial
{"data": [{"service_id": "{{support}}", "status": "suspended"}, {"service_id": "{{consulting}}", "status": "suspended"}]}

=== suspending it again is refused
POST /api/v1/service_status

{"customer_id": "{{anna}}", "plan_id": "{{gold}}", "status": "suspended", "status_date": "2030-06-12",
 "reason": "still unpaid"}
--- 409
{"error": {"code": "invalid_state", "field": "status", "message": "the service is already suspended"}}

=== a change may not predate the last one
POST /api/v1/service_status

{"customer_id": "{{anna}}", "plan_id": "{{gold}}", "status": "active", "status_date": "2030-06-10",
 "reason": "paid"}
--- 422
{"error": {"code": "invalid", "field": "status_date",
           "message": "status_date is before the last status change (2030-06-11)"}}

=== reactivated on june 21
POST /api/v1/service_status

{"customer_id": "{{anna}}", "plan_id": "{{gold}}", "status": "active", "status_date": "2030-06-21", "reason": "paid"}
--- 201 partial
{"id": "{{reactivation=uuid}}", "status": "active"}

=== reactivating a suspended service resumes billing correctly
POST /api/v1/billing/preview

{"customer_id": "{{anna}}", "period_start": "2030-06-01", "period_end": "2030-07-01"}
--- 200 partial
{"total": "300.00",
 "lines": [{"charge_kind": "fixed", "service_id": "{{support}}", "amount": "200.00",
            "calculation": {"days_used": 20, "days_in_period": 30}},
           {"charge_kind": "time", "amount": "100.00"}]}

=== the july 1 run bills june without the suspended days
POST /api/v1/billing/runs

{"date": "2030-07-01"}
--- 201 partial
{"customers_failed": 0}

=== anna's june invoice
GET /api/v1/invoices?customer_id={{anna}}
--- 200 partial
{"data": [{"total": "300.00", "lines": [{"service_id": "{{support}}", "amount": "200.00"},
                                        {"service_id": "{{consulting}}", "amount": "100.00"}]}]}

=== the hour worked while suspended was not billed
GET /api/v1/time_entries/{{te_june15}}
--- 200 partial
{"invoice_id": null, "billed_at": null}

=== july is billed in full again
POST /api/v1/billing/preview

{"customer_id": "{{anna}}", "period_start": "2030-07-01", "period_end": "2030-08-01"}
--- 200 partial
{"total": "300.00", "lines": [{"service_id": "{{support}}", "amount": "300.00",
                               "calculation": {"days_used": 31, "days_in_period": 31}}]}

=== status changes are recorded with the correct date and reason
GET /api/v1/service_status?customer_id={{anna}}
--- 200
{"data": [{"id": "{{reactivation}}", "customer_id": "{{anna}}", "plan_id": "{{gold}}", "service_id": null,
           "status": "active", "status_date": "2030-06-21", "reason": "paid", "version": 1,
           "created_by": "{{owner_id}}", "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"},
          {"id": "{{suspension}}", "customer_id": "{{anna}}", "plan_id": "{{gold}}", "service_id": null,
           "status": "suspended", "status_date": "2030-06-11", "reason": "unpaid invoice", "version": 1,
           "created_by": "{{owner_id}}", "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}],
 "next_cursor": null}

=== a status row is history: it cannot be changed
PATCH /api/v1/service_status/{{suspension}}

{"reason": "other"}
--- 405 partial
{"error": {"code": "method_not_allowed"}}

=== nor deleted
DELETE /api/v1/service_status/{{suspension}}
--- 405 partial
{"error": {"code": "method_not_allowed"}}

=== the audit trail has each change
GET /api/v1/audit_logs?entity_type=service_status&entity_id={{suspension}}
--- 200 partial
{"data": [{"action": "create", "user_id": "{{owner_id}}",
           "new_values": {"status": "suspended", "status_date": "2030-06-11", "reason": "unpaid invoice"}}]}

# ---- cancellation ----

=== customer carl
POST /api/v1/customers

{"name": "Carl"}
--- 201 partial
{"id": "{{carl=uuid}}"}

=== carl holds gold from june 1
POST /api/v1/customer_billing_plans

{"customer_id": "{{carl}}", "plan_id": "{{gold}}", "start_date": "2030-06-01"}
--- 201 partial
{"id": "{{carl_gold=uuid}}"}

=== and gold again from september (a renewal signed in advance)
POST /api/v1/customer_billing_plans

{"customer_id": "{{carl}}", "plan_id": "{{gold}}", "start_date": "2030-09-01", "end_date": "2030-12-31"}
--- 201 partial
{"id": "{{carl_renewal=uuid}}"}

=== cancelling needs a reason
POST /api/v1/service_status

{"customer_id": "{{carl}}", "plan_id": "{{gold}}", "status": "cancelled", "status_date": "2030-06-16", "reason": ""}
--- 422
{"error": {"code": "required", "field": "reason", "message": "a status change needs a reason"}}

=== carl cancels gold from june 16
POST /api/v1/service_status

{"customer_id": "{{carl}}", "plan_id": "{{gold}}", "status": "cancelled", "status_date": "2030-06-16",
 "reason": "customer left"}
--- 201 partial
{"id": "{{carl_cancel=uuid}}", "status": "cancelled", "status_date": "2030-06-16", "reason": "customer left"}

=== cancelled services are no longer billed and are removed from active client plans
GET /api/v1/customer_billing_plans?customer_id={{carl}}&order=start_date
--- 200 partial
{"data": [{"id": "{{carl_gold}}", "start_date": "2030-06-01", "end_date": "2030-06-15", "is_active": true,
           "version": 2},
          {"id": "{{carl_renewal}}", "start_date": "2030-09-01", "end_date": "2030-12-31", "is_active": false,
           "version": 2}],
 "next_cursor": null}

=== the assignments were ended by the cancellation, in the audit trail
GET /api/v1/audit_logs?entity_id={{carl_gold}}&action=cancel
--- 200 partial
{"data": [{"entity_type": "customer_billing_plans", "action": "cancel",
           "old_values": {"end_date": null}, "new_values": {"end_date": "2030-06-15"}}]}

=== carl held gold before the cancellation
GET /api/v1/customers/{{carl}}/services?on=2030-06-15
--- 200 partial
{"data": [{"service_id": "{{support}}", "status": "active"}, {"service_id": "{{consulting}}", "status": "active"}]}

=== and nothing from it on
GET /api/v1/customers/{{carl}}/services?on=2030-06-16
--- 200 partial
{"data": []}

=== a cancellation is final
POST /api/v1/service_status

{"customer_id": "{{carl}}", "plan_id": "{{gold}}", "status": "active", "status_date": "2030-07-01",
 "reason": "changed his mind"}
--- 409
{"error": {"code": "invalid_state", "field": "status", "message": "a cancelled service cannot change status",
           "hint": "assign the plan again to bill the customer for it"}}

=== nor can a service of the cancelled plan be suspended after it
POST /api/v1/service_status

{"customer_id": "{{carl}}", "plan_id": "{{gold}}", "service_id": "{{support}}", "status": "suspended",
 "status_date": "2030-07-01", "reason": "x"}
--- 409 partial
{"error": {"code": "invalid_state"}}

=== work after the cancellation
POST /api/v1/time_entries

{"customer_id": "{{carl}}", "service_id": "{{consulting}}", "start_time": "2030-06-20T09:00:00Z", "duration": 60}
--- 201 partial
{"id": "{{te_carl=uuid}}"}

=== carl's june: 15 days of support, no consulting after the cancellation
POST /api/v1/billing/preview

{"customer_id": "{{carl}}", "period_start": "2030-06-01", "period_end": "2030-07-01"}
--- 200 partial
{"total": "150.00", "lines": [{"service_id": "{{support}}", "amount": "150.00",
                               "calculation": {"days_used": 15, "days_in_period": 30}}]}

=== the october run catches up carl's june, and only that
POST /api/v1/billing/runs

{"date": "2030-10-01"}
--- 201 partial
{"customers_failed": 0}

=== carl's only invoice: the 15 days before the cancellation
GET /api/v1/invoices?customer_id={{carl}}
--- 200 partial
{"data": [{"invoice_date": "2030-10-01", "total": "150.00",
           "lines": [{"service_id": "{{support}}", "amount": "150.00", "period_start": "2030-06-01"}]}],
 "next_cursor": null}

=== the hour after the cancellation is never billed
GET /api/v1/time_entries/{{te_carl}}
--- 200 partial
{"invoice_id": null}

=== later runs never bill carl again
POST /api/v1/billing/runs

{"date": "2031-01-01"}
--- 201 partial
{"customers_failed": 0}

=== still that one invoice
GET /api/v1/invoices?customer_id={{carl}}
--- 200 partial
{"data": [{"invoice_date": "2030-10-01"}], "next_cursor": null}

# ---- one service of a plan that goes on ----

=== customer dora
POST /api/v1/customers

{"name": "Dora"}
--- 201 partial
{"id": "{{dora=uuid}}"}

=== dora holds gold from june 1
POST /api/v1/customer_billing_plans

{"customer_id": "{{dora}}", "plan_id": "{{gold}}", "start_date": "2030-06-01"}
--- 201 partial
{"id": "{{dora_gold=uuid}}"}

=== dora stops consulting from june 16
POST /api/v1/service_status

{"customer_id": "{{dora}}", "plan_id": "{{gold}}", "service_id": "{{consulting}}", "status": "cancelled",
 "status_date": "2030-06-16", "reason": "in-house team now"}
--- 201 partial
{"status": "cancelled"}

=== dora keeps support; consulting left her services
GET /api/v1/customers/{{dora}}/services?on=2030-06-16
--- 200 partial
{"data": [{"service_id": "{{support}}", "customer_billing_plan_id": "{{dora_gold}}"}]}

=== dora's assignment goes on
GET /api/v1/customer_billing_plans/{{dora_gold}}
--- 200 partial
{"end_date": null, "is_active": true, "version": 1}

# ---- a cancellation may not leave a service without its prerequisite ----

=== service monitoring
POST /api/v1/services

{"name": "Monitoring", "service_type": "fixed", "default_rate": "60"}
--- 201 partial
{"id": "{{monitoring=uuid}}"}

=== service backup
POST /api/v1/services

{"name": "Backup", "service_type": "fixed", "default_rate": "90"}
--- 201 partial
{"id": "{{backup=uuid}}"}

=== backup needs monitoring
POST /api/v1/service_dependencies

{"service_id": "{{backup}}", "dependent_service_id": "{{monitoring}}"}
--- 201 partial
{"id": "{{*}}"}

=== a plan with backup (monitoring comes with it)
POST /api/v1/billing_plans

{"plan_name": "Safe", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{safe=uuid}}"}

=== safe holds backup
POST /api/v1/billing_plans/{{safe}}/services

{"service_id": "{{backup}}"}
--- 201 partial
{"id": "{{*}}"}

=== customer emil
POST /api/v1/customers

{"name": "Emil"}
--- 201 partial
{"id": "{{emil=uuid}}"}

=== emil holds safe
POST /api/v1/customer_billing_plans

{"customer_id": "{{emil}}", "plan_id": "{{safe}}", "start_date": "2030-06-01"}
--- 201 partial
{"id": "{{*}}"}

=== cancelling monitoring while backup needs it is refused
POST /api/v1/service_status

{"customer_id": "{{emil}}", "service_id": "{{monitoring}}", "status": "cancelled", "status_date": "2030-06-16",
 "reason": "too expensive"}
--- 409
{"error": {"code": "conflict", "field": "status", "message": "missing prerequisites from 2030-06-16: Backup requires Monitoring",
           "detail": "Backup requires Monitoring", "hint": "end or remove the services that need them first"}}

=== the refused cancellation recorded nothing
GET /api/v1/service_status?customer_id={{emil}}
--- 200
{"data": [], "next_cursor": null}

=== cancelling backup first, then monitoring, is fine
POST /api/v1/service_status

{"customer_id": "{{emil}}", "service_id": "{{backup}}", "status": "cancelled", "status_date": "2030-06-16",
 "reason": "too expensive"}
--- 201 partial
{"status": "cancelled"}

=== then monitoring
POST /api/v1/service_status

{"customer_id": "{{emil}}", "service_id": "{{monitoring}}", "status": "cancelled", "status_date": "2030-06-16",
 "reason": "too expensive"}
--- 201 partial
{"status": "cancelled"}

=== a customer's first status may record its activation
POST /api/v1/service_status

{"customer_id": "{{dora}}", "status": "active", "status_date": "2030-06-01"}
--- 201 partial
{"status": "active", "reason": null}
