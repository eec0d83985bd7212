# billing_validation.t — what the billing engine cannot bill is refused when it is written, naming
# the field, and nothing is saved (QA report /work/qa/billing, defects 3, 5-8, 11): usage pricing
# (docs/billing-rules.md section 10), discounts (section 15), deletes of what an active assignment
# or a plan uses, and time entries whose duration contradicts their times (section 9).
@header X-Remit-Test-Ip: 10.5.4.2

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Validation {{run_id}}", "email": "owner@validation-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

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

=== pricing is validated when written: a misspelt tier key is refused
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "pricing_model": "graduated", "tiers": [{"up_to": null, "unit_price": "9"}]}
--- 422
{"error": {"code": "unknown_field", "field": "tiers[0].unit_price", "message": "{{*}}"}}

=== pricing is validated when written: decreasing tier bounds are refused
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "pricing_model": "graduated",
 "tiers": [{"up_to": "100", "unit_rate": "1"}, {"up_to": "50", "unit_rate": "1"}, {"up_to": null, "unit_rate": "1"}]}
--- 422
{"error": {"code": "invalid", "field": "tiers[1].up_to", "message": "{{*}}"}}

=== pricing is validated when written: the last tier must be open-ended
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "pricing_model": "volume",
 "tiers": [{"up_to": "100", "unit_rate": "1"}, {"up_to": "200", "unit_rate": "0.5"}]}
--- 422
{"error": {"code": "invalid", "field": "tiers[1].up_to", "message": "{{*}}"}}

=== pricing is validated when written: only the last tier is open-ended
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "pricing_model": "graduated",
 "tiers": [{"up_to": null, "unit_rate": "1"}, {"up_to": "200", "unit_rate": "0.5"}]}
--- 422
{"error": {"code": "invalid", "field": "tiers[0].up_to", "message": "{{*}}"}}

=== pricing is validated when written: a negative tier rate is refused
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "pricing_model": "graduated",
 "tiers": [{"up_to": "100", "unit_rate": "1"}, {"up_to": null, "unit_rate": "-0.5"}]}
--- 422
{"error": {"code": "out_of_range", "field": "tiers[1].unit_rate", "message": "{{*}}"}}

=== pricing is validated when written: tiered pricing needs tiers
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "pricing_model": "graduated", "tiers": []}
--- 422
{"error": {"code": "required", "field": "tiers", "message": "{{*}}"}}

=== pricing is validated when written: a tier bound must be a decimal
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "pricing_model": "graduated", "tiers": [{"up_to": 100, "unit_rate": "1"}, {"up_to": null}]}
--- 422
{"error": {"code": "wrong_type", "field": "tiers[0].up_to", "message": "{{*}}"}}

=== pricing is validated when written: package pricing needs a package size
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "pricing_model": "package"}
--- 422
{"error": {"code": "out_of_range", "field": "package_size", "message": "{{*}}"}}

=== pricing is validated when written: a package size of zero is refused
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "pricing_model": "package", "package_size": "0"}
--- 422
{"error": {"code": "out_of_range", "field": "package_size", "message": "{{*}}"}}

=== pricing is validated when written: tiers on per-unit pricing are refused, not ignored
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "tiers": [{"up_to": null, "unit_rate": "9"}]}
--- 422
{"error": {"code": "invalid", "field": "tiers", "message": "{{*}}"}}

=== pricing is validated when written: none of the refused prices was saved
GET /api/v1/billing_plans/{{cloud}}/services
--- 200
{"data": [], "next_cursor": null}

=== pricing is validated when written: valid tiers are accepted
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}", "pricing_model": "graduated",
 "tiers": [{"up_to": "1000", "unit_rate": "0.10"}, {"up_to": null, "unit_rate": "0.05", "flat_fee": "5"}]}
--- 201 partial
{"id": "{{cloud_storage=uuid}}", "pricing_model": "graduated"}

=== pricing is validated when written: a change that breaks the tiers is refused
PATCH /api/v1/billing_plans/{{cloud}}/services/{{cloud_storage}}

{"tiers": [{"up_to": "1000", "unit_rate": "0.10"}]}
--- 422
{"error": {"code": "invalid", "field": "tiers[0].up_to", "message": "{{*}}"}}

=== pricing is validated when written: the tiers are unchanged
GET /api/v1/billing_plans/{{cloud}}/services
--- 200 partial
{"data": [{"id": "{{cloud_storage}}", "pricing_model": "graduated",
           "tiers": [{"up_to": "1000", "unit_rate": "0.10"}, {"up_to": null, "unit_rate": "0.05", "flat_fee": "5"}]}]}

=== a percentage discount is at most 100: 150 is refused
POST /api/v1/discounts

{"discount_name": "Over100", "discount_type": "percentage", "value": "150"}
--- 422
{"error": {"code": "out_of_range", "field": "value", "message": "{{*}}"}}

=== a discount ends no earlier than it starts: an end before the start is refused
POST /api/v1/discounts

{"discount_name": "Backwards", "discount_type": "fixed", "value": "10",
 "start_date": "2031-06-20", "end_date": "2031-06-10"}
--- 422
{"error": {"code": "invalid", "field": "end_date", "message": "{{*}}"}}

=== a valid percentage discount is accepted
POST /api/v1/discounts

{"discount_name": "Ten", "discount_type": "percentage", "value": "100", "start_date": "2031-06-01"}
--- 201 partial
{"id": "{{ten=uuid}}", "value": "100"}

=== a percentage discount is at most 100: a change to 101 is refused
PATCH /api/v1/discounts/{{ten}}

{"value": "101"}
--- 422
{"error": {"code": "out_of_range", "field": "value", "message": "{{*}}"}}

=== a discount ends no earlier than it starts: a change to end before the start is refused
PATCH /api/v1/discounts/{{ten}}

{"end_date": "2031-05-31"}
--- 422
{"error": {"code": "invalid", "field": "end_date", "message": "{{*}}"}}

=== discounts: only the valid one was saved, unchanged
GET /api/v1/discounts
--- 200 partial
{"data": [{"id": "{{ten}}", "discount_name": "Ten", "value": "100", "start_date": "2031-06-01", "end_date": null}],
 "next_cursor": null}

=== email, a fixed service
POST /api/v1/services

{"name": "Email", "service_type": "fixed", "default_rate": "30"}
--- 201 partial
{"id": "{{email=uuid}}"}

=== backup, a fixed service sold in a bundle
POST /api/v1/services

{"name": "Backup", "service_type": "fixed", "default_rate": "20"}
--- 201 partial
{"id": "{{backup=uuid}}"}

=== the office bundle
POST /api/v1/service_bundles

{"bundle_name": "Office", "bundle_price": "60"}
--- 201 partial
{"id": "{{office=uuid}}"}

=== backup is in the office bundle
POST /api/v1/service_bundles/{{office}}/services

{"service_id": "{{backup}}"}
--- 201 partial
{"service_id": "{{backup}}"}

=== the basic plan
POST /api/v1/billing_plans

{"plan_name": "Basic", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{basic=uuid}}"}

=== email is in the basic plan
POST /api/v1/billing_plans/{{basic}}/services

{"service_id": "{{email}}"}
--- 201 partial
{"service_id": "{{email}}"}

=== the office bundle is sold in the basic plan
POST /api/v1/billing_plans/{{basic}}/add_bundle

{"bundle_id": "{{office}}"}
--- 201 partial
{"bundle_id": "{{office}}"}

=== a customer
POST /api/v1/customers

{"name": "Busy Customer"}
--- 201 partial
{"id": "{{busy=uuid}}"}

=== on the basic plan from june
POST /api/v1/customer_billing_plans

{"customer_id": "{{busy}}", "plan_id": "{{basic}}", "start_date": "2031-06-01"}
--- 201 partial
{"id": "{{busy_plan=uuid}}"}

=== what is in use cannot be deleted: a plan of an active assignment
DELETE /api/v1/billing_plans/{{basic}}
--- 409
{"error": {"code": "conflict", "message": "{{*}}", "hint": "{{*}}"}}

=== what is in use cannot be deleted: a service in a plan
DELETE /api/v1/services/{{email}}
--- 409
{"error": {"code": "conflict", "message": "{{*}}", "hint": "{{*}}"}}

=== what is in use cannot be deleted: a service in a bundle
DELETE /api/v1/services/{{backup}}
--- 409
{"error": {"code": "conflict", "message": "{{*}}", "hint": "{{*}}"}}

=== what is in use cannot be deleted: a bundle a plan sells
DELETE /api/v1/service_bundles/{{office}}
--- 409
{"error": {"code": "conflict", "message": "{{*}}", "hint": "{{*}}"}}

=== what is in use cannot be deleted: the plan, its services and the bundle are all still there
GET /api/v1/billing_plans/{{basic}}/services
--- 200 partial
{"data": [{"service_id": "{{backup}}", "bundle_id": "{{office}}"}, {"service_id": "{{email}}"}]}

=== what is in use cannot be deleted: the services are still listed
GET /api/v1/services/{{backup}}
--- 200 partial
{"id": "{{backup}}", "name": "Backup"}

=== what is in use cannot be deleted: the bundle is still there
GET /api/v1/service_bundles/{{office}}
--- 200 partial
{"id": "{{office}}", "bundle_name": "Office"}

=== what is in use cannot be deleted: the june preview still bills the plan
POST /api/v1/billing/preview

{"customer_id": "{{busy}}", "period_start": "2031-06-01", "period_end": "2031-07-01"}
--- 200 partial
{"subtotal": "90.00"}

=== what is no longer in use can be deleted: the assignment ends, then the plan goes
DELETE /api/v1/customer_billing_plans/{{busy_plan}}
--- 204 empty

=== what is no longer in use can be deleted: the plan
DELETE /api/v1/billing_plans/{{basic}}
--- 204 empty

=== hours, a time service
POST /api/v1/services

{"name": "Hours", "service_type": "time", "default_rate": "600"}
--- 201 partial
{"id": "{{hours=uuid}}"}

=== a duration that contradicts start and end is refused
POST /api/v1/time_entries

{"customer_id": "{{busy}}", "service_id": "{{hours}}", "start_time": "2031-06-10T04:00:00Z",
 "end_time": "2031-06-10T05:00:00Z", "duration": 600}
--- 422
{"error": {"code": "invalid", "field": "duration", "message": "{{*}}"}}

=== a duration that contradicts start and end is refused: nothing was saved
GET /api/v1/time_entries?customer_id={{busy}}
--- 200
{"data": [], "next_cursor": null}

=== a duration that agrees with start and end is accepted
POST /api/v1/time_entries

{"customer_id": "{{busy}}", "service_id": "{{hours}}", "start_time": "2031-06-10T04:00:00Z",
 "end_time": "2031-06-10T05:00:00Z", "duration": 60}
--- 201 partial
{"id": "{{te=uuid}}", "duration": 60}

=== a duration that contradicts start and end is refused on a change too
PATCH /api/v1/time_entries/{{te}}

{"duration": 90}
--- 422
{"error": {"code": "invalid", "field": "duration", "message": "{{*}}"}}

=== moving the end time derives the duration again
PATCH /api/v1/time_entries/{{te}}

{"end_time": "2031-06-10T06:30:00Z"}
--- 200 partial
{"id": "{{te}}", "duration": 150}
