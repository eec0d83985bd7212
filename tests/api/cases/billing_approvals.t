# billing_approvals.t — approval workflows of the billing engine (issue 5; msp-flexible-billing.md
# "Approval Workflows Tests"; domain/approvals.c; docs/billing-rules.md section 18). Case titles start
# with the seed's test bullet they cover:
#   - time entries exceeding a certain duration require approval before billing
#   - discounts over a certain value require managerial approval
#   - only authorized users can approve pending items
#   - the approval status is correctly updated and affects billing processes
# The tenant's thresholds are typed settings: 480 minutes, 1000 units, 20 %, 500.00 INR.
@header X-Remit-Test-Ip: 10.5.77.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Approvals {{run_id}}", "email": "owner@approvals-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}", "user": {"id": "{{admin_id=uuid}}"}}

@header Authorization: Bearer {{token}}

=== the seller's profile
POST /api/v1/company_profiles

{"name": "Approvals MSP"}
--- 201 partial
{"id": "{{profile_id=uuid}}"}

# ---- people (a trial tenant has at most 5 users): the admin, a manager, a plain user, a custom
# approver role, a custom role without the permission ----

=== a manager
POST /api/v1/users

{"email": "mona-{{run_id}}@approvals.example", "role": "manager", "password": "manager pass 1"}
--- 201 partial
{"id": "{{mona_id=uuid}}"}

=== a plain user who logs time
POST /api/v1/users

{"email": "uma-{{run_id}}@approvals.example", "role": "user", "password": "user pass 123"}
--- 201 partial
{"id": "{{uma_id=uuid}}"}

=== a custom role that may decide approvals (approvals.decide is a permission like any other)
POST /api/v1/roles

{"name": "Approver", "permissions": ["approvals.read", "approvals.decide", "time_entries.read"]}
--- 201 partial
{"id": "{{approver_role=uuid}}"}

=== a custom role that may only read them
POST /api/v1/roles

{"name": "Approval reader", "permissions": ["approvals.read"]}
--- 201 partial
{"id": "{{reader_role=uuid}}"}

=== a user with the approver role
POST /api/v1/users

{"email": "ava-{{run_id}}@approvals.example", "role": "user", "role_id": "{{approver_role}}", "password": "approver pass 1"}
--- 201 partial
{"id": "{{ava_id=uuid}}"}

=== a user with the reader role
POST /api/v1/users

{"email": "rex-{{run_id}}@approvals.example", "role": "manager", "role_id": "{{reader_role}}", "password": "reader pass 1"}
--- 201 partial
{"id": "{{rex_id=uuid}}"}

=== the manager signs in
POST /api/v1/auth/login
Authorization:

{"email": "mona-{{run_id}}@approvals.example", "password": "manager pass 1"}
--- 200 partial
{"access_token": "{{mona=string}}"}

=== the user signs in
POST /api/v1/auth/login
Authorization:

{"email": "uma-{{run_id}}@approvals.example", "password": "user pass 123"}
--- 200 partial
{"access_token": "{{uma=string}}"}

=== the approver signs in
POST /api/v1/auth/login
Authorization:

{"email": "ava-{{run_id}}@approvals.example", "password": "approver pass 1"}
--- 200 partial
{"access_token": "{{ava=string}}"}

=== the reader signs in
POST /api/v1/auth/login
Authorization:

{"email": "rex-{{run_id}}@approvals.example", "password": "reader pass 1"}
--- 200 partial
{"access_token": "{{rex=string}}"}

# ---- thresholds: declared, typed tenant settings ----

=== a threshold setting takes only its declared type
POST /api/v1/system_settings

{"setting_key": "billing.approval.time_minutes", "setting_type": "string", "setting_value": "480"}
--- 422
{"error": {"code": "invalid", "field": "setting_type", "message": "billing.approval.time_minutes is an int setting"}}

=== a threshold cannot be negative
POST /api/v1/system_settings

{"setting_key": "billing.approval.time_minutes", "setting_type": "int", "setting_value": -1}
--- 422
{"error": {"code": "out_of_range", "field": "setting_value", "message": "setting_value must be at least 0"}}

=== a percentage threshold is at most 100
POST /api/v1/system_settings

{"setting_key": "billing.approval.discount_percent", "setting_type": "decimal", "setting_value": "150"}
--- 422
{"error": {"code": "out_of_range", "field": "setting_value", "message": "setting_value must be at most \"100\""}}

=== an amount threshold has no more decimals than the base currency
POST /api/v1/system_settings

{"setting_key": "billing.approval.discount_amount", "setting_type": "decimal", "setting_value": "500.005"}
--- 422
{"error": {"code": "invalid", "field": "setting_value",
           "message": "the setting billing.approval.discount_amount has more decimals than INR allows (2)"}}

=== the refused settings were not kept
GET /api/v1/system_settings?setting_key[like]=billing.approval
--- 200
{"data": [], "next_cursor": null}

=== time entries longer than 480 minutes wait for approval
POST /api/v1/system_settings

{"setting_key": "billing.approval.time_minutes", "setting_type": "int", "setting_value": 480,
 "description": "Time entries longer than 8 hours are approved before billing"}
--- 201 partial
{"id": "{{time_setting=uuid}}", "setting_value": 480}

=== usage records above 1000 units wait for approval
POST /api/v1/system_settings

{"setting_key": "billing.approval.usage_quantity", "setting_type": "decimal", "setting_value": "1000"}
--- 201 partial
{"setting_value": "1000"}

=== percentage discounts above 20 percent wait for approval
POST /api/v1/system_settings

{"setting_key": "billing.approval.discount_percent", "setting_type": "decimal", "setting_value": "20"}
--- 201 partial
{"setting_value": "20"}

=== fixed discounts above 500.00 wait for approval
POST /api/v1/system_settings

{"setting_key": "billing.approval.discount_amount", "setting_type": "decimal", "setting_value": "500.00"}
--- 201 partial
{"setting_value": "500.00"}

# ---- a customer billed hourly and by usage ----

=== an hourly service at 100.00
POST /api/v1/services

{"name": "Engineering", "service_type": "time", "default_rate": "100", "unit_of_measure": "hour"}
--- 201 partial
{"id": "{{eng_id=uuid}}"}

=== a usage service at 0.10 a unit
POST /api/v1/services

{"name": "Backup GB", "service_type": "usage", "default_rate": "0.10", "unit_of_measure": "GB"}
--- 201 partial
{"id": "{{gb_id=uuid}}"}

=== a monthly time and usage plan
POST /api/v1/billing_plans

{"plan_name": "Time and materials", "billing_frequency": "monthly", "plan_type": "time-based"}
--- 201 partial
{"id": "{{plan_id=uuid}}"}

=== the plan bills engineering hours
POST /api/v1/billing_plans/{{plan_id}}/services

{"service_id": "{{eng_id}}"}
--- 201 partial
{"service_id": "{{eng_id}}"}

=== the plan bills backup usage
POST /api/v1/billing_plans/{{plan_id}}/services

{"service_id": "{{gb_id}}"}
--- 201 partial
{"service_id": "{{gb_id}}"}

=== a customer
POST /api/v1/customers

{"name": "Hourly Co"}
--- 201 partial
{"id": "{{cust_id=uuid}}"}

=== assigned the plan for the second half of 2030
POST /api/v1/customer_billing_plans

{"customer_id": "{{cust_id}}", "plan_id": "{{plan_id}}", "start_date": "2030-06-01", "end_date": "2030-12-31"}
--- 201 partial
{"id": "{{assign_id=uuid}}"}

# ---- time entries exceeding a certain duration require approval before billing ----

=== time entries exceeding a certain duration require approval before billing: 600 minutes wait
POST /api/v1/time_entries
Authorization: Bearer {{uma}}

{"customer_id": "{{cust_id}}", "service_id": "{{eng_id}}", "start_time": "2030-06-10T04:00:00Z", "duration": 600,
 "description": "Server migration"}
--- 201 partial
{"id": "{{long_id=uuid}}", "user_id": "{{uma_id}}", "approval_status": "pending", "invoice_id": null}

=== time entries exceeding a certain duration require approval before billing: 120 minutes do not
POST /api/v1/time_entries
Authorization: Bearer {{uma}}

{"customer_id": "{{cust_id}}", "service_id": "{{eng_id}}", "start_time": "2030-06-11T04:00:00Z", "duration": 120}
--- 201 partial
{"id": "{{short_id=uuid}}", "approval_status": "none"}

=== time entries exceeding a certain duration require approval before billing: exactly the threshold does not
POST /api/v1/time_entries
Authorization: Bearer {{uma}}

{"customer_id": "{{cust_id}}", "service_id": "{{eng_id}}", "start_time": "2030-06-12T04:00:00Z", "duration": 480,
 "billable": false}
--- 201 partial
{"id": "{{edge_id=uuid}}", "approval_status": "none"}

=== time entries exceeding a certain duration require approval before billing: the request names the threshold
GET /api/v1/approvals?item_id={{long_id}}
--- 200
{"data": [{"id": "{{ap_long=uuid}}", "item_type": "time_entry", "item_id": "{{long_id}}", "requested_by": "{{uma_id}}",
           "approved_by": null, "status": "pending", "request_date": "{{date}}", "approval_date": null,
           "reason": "600 minutes exceed the approval threshold of 480 minutes", "decision_note": null,
           "version": 1, "created_by": "{{uma_id}}", "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}],
 "next_cursor": null}

=== time entries exceeding a certain duration require approval before billing: the request is audited
GET /api/v1/audit_logs?entity_type=approvals&entity_id={{ap_long}}
--- 200 partial
{"data": [{"action": "create", "user_id": "{{uma_id}}", "new_values": {"status": "pending", "item_id": "{{long_id}}"}}],
 "next_cursor": null}

=== time entries exceeding a certain duration require approval before billing: the admin, the manager and the custom approver are mailed, once each
GET /api/v1/outbox?related_id={{ap_long}}&topic=approvals.requested
--- 200
{"data": ["{{*}}", "{{*}}", "{{*}}"], "next_cursor": null}

=== time entries exceeding a certain duration require approval before billing: the approver with a custom role is mailed
GET /api/v1/outbox?related_id={{ap_long}}&recipient=ava-{{run_id}}@approvals.example
--- 200 partial
{"data": [{"kind": "mail", "subject": "Approval needed: time entry {{long_id}}", "status": "{{*}}"}], "next_cursor": null}

=== time entries exceeding a certain duration require approval before billing: the requester is not mailed
GET /api/v1/outbox?related_id={{ap_long}}&recipient=uma-{{run_id}}@approvals.example
--- 200
{"data": [], "next_cursor": null}

=== time entries exceeding a certain duration require approval before billing: a reader-only role is not mailed
GET /api/v1/outbox?related_id={{ap_long}}&recipient=rex-{{run_id}}@approvals.example
--- 200
{"data": [], "next_cursor": null}

=== time entries exceeding a certain duration require approval before billing: the preview leaves it out and says so
POST /api/v1/billing/preview

{"customer_id": "{{cust_id}}", "period_start": "2030-06-01", "period_end": "2030-07-01"}
--- 200 partial
{"total": "200.00", "records_awaiting_approval": 1, "awaiting_approval": [],
 "lines": [{"charge_kind": "time", "quantity": "2", "rate": "100", "amount": "200.00"}]}

=== time entries exceeding a certain duration require approval before billing: the June run bills the short entry only
POST /api/v1/billing/runs

{"date": "2030-07-01"}
--- 201 partial
{"invoices_created": 1, "customers_failed": 0}

=== time entries exceeding a certain duration require approval before billing: the June invoice
GET /api/v1/invoices?customer_id={{cust_id}}
--- 200 partial
{"data": [{"id": "{{june_inv=uuid}}", "total": "200.00", "lines": [{"amount": "200.00", "quantity": "2"}]}], "next_cursor": null}

=== time entries exceeding a certain duration require approval before billing: the waiting entry is not billed
GET /api/v1/time_entries/{{long_id}}
--- 200 partial
{"approval_status": "pending", "invoice_id": null, "billed_at": null}

# ---- only authorized users can approve pending items ----

=== only authorized users can approve pending items: a plain user is refused
POST /api/v1/approvals/{{ap_long}}/approve
Authorization: Bearer {{uma}}

{"decision_note": "my own hours"}
--- 403 partial
{"error": {"code": "forbidden"}}

=== only authorized users can approve pending items: a custom role without the permission is refused
POST /api/v1/approvals/{{ap_long}}/approve
Authorization: Bearer {{rex}}

{}
--- 403 partial
{"error": {"code": "forbidden"}}

=== only authorized users can approve pending items: a refusal changes nothing
GET /api/v1/approvals/{{ap_long}}
--- 200 partial
{"status": "pending", "approved_by": null, "approval_date": null, "decision_note": null, "version": 1}

=== only authorized users can approve pending items: the entry still waits
GET /api/v1/time_entries/{{long_id}}
--- 200 partial
{"approval_status": "pending"}

=== only authorized users can approve pending items: a decision takes only a note
POST /api/v1/approvals/{{ap_long}}/approve
Authorization: Bearer {{ava}}

{"decision_note": "ok", "status": "approved"}
--- 422
{"error": {"code": "unknown_field", "field": "status", "message": "status is not an input of this action (give decision_note)"}}

=== only authorized users can approve pending items: a note is text
POST /api/v1/approvals/{{ap_long}}/approve
Authorization: Bearer {{ava}}

{"decision_note": 42}
--- 422
{"error": {"code": "wrong_type", "field": "decision_note", "message": "decision_note must be a string"}}

=== only authorized users can approve pending items: an unknown request is 404
POST /api/v1/approvals/00000000-0000-7000-8000-000000000000/approve
Authorization: Bearer {{ava}}

{}
--- 404 partial
{"error": {"code": "not_found"}}

=== only authorized users can approve pending items: a custom role holding the permission approves
POST /api/v1/approvals/{{ap_long}}/approve
Authorization: Bearer {{ava}}

{"decision_note": "  migration agreed with the customer  "}
--- 200
{"id": "{{ap_long}}", "item_type": "time_entry", "item_id": "{{long_id}}", "requested_by": "{{uma_id}}",
 "approved_by": "{{ava_id}}", "status": "approved", "request_date": "{{date}}", "approval_date": "{{date}}",
 "reason": "600 minutes exceed the approval threshold of 480 minutes",
 "decision_note": "migration agreed with the customer", "version": 2, "created_by": "{{uma_id}}",
 "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}

=== the approval status is correctly updated and affects billing processes: deciding twice is a conflict
POST /api/v1/approvals/{{ap_long}}/reject
Authorization: Bearer {{mona}}

{"decision_note": "too late"}
--- 409
{"error": {"code": "invalid_state", "field": "status",
           "message": "the request is approved already; only a pending request can be decided"}}

=== the approval status is correctly updated and affects billing processes: the entry is approved
GET /api/v1/time_entries/{{long_id}}
--- 200 partial
{"approval_status": "approved", "invoice_id": null}

=== the approval status is correctly updated and affects billing processes: the decision and the entry are audited
GET /api/v1/audit_logs?entity_id={{long_id}}&action=approve
--- 200 partial
{"data": [{"entity_type": "time_entries", "user_id": "{{ava_id}}", "old_values": {"approval_status": "pending"},
           "new_values": {"approval_status": "approved"}}],
 "next_cursor": null}

=== the approval status is correctly updated and affects billing processes: the approved entry is billed by the next run
POST /api/v1/billing/preview

{"customer_id": "{{cust_id}}", "period_start": "2030-07-01", "period_end": "2030-08-01"}
--- 200 partial
{"total": "1000.00", "records_awaiting_approval": 0,
 "lines": [{"charge_kind": "time", "quantity": "10", "amount": "1000.00", "calculation": {"late": true}}]}

=== the approval status is correctly updated and affects billing processes: the July run
POST /api/v1/billing/runs

{"date": "2030-08-01"}
--- 201 partial
{"invoices_created": 1, "customers_failed": 0}

=== the approval status is correctly updated and affects billing processes: billed once, on the July invoice
GET /api/v1/time_entries/{{long_id}}
--- 200 partial
{"approval_status": "approved", "invoice_id": "{{july_inv=uuid}}", "billed_at": "{{timestamp}}"}

=== the approval status is correctly updated and affects billing processes: the July invoice
GET /api/v1/invoices/{{july_inv}}
--- 200 partial
{"total": "1000.00", "invoice_date": "2030-08-01"}

# ---- rejection: never billed ----

=== the approval status is correctly updated and affects billing processes: a 540-minute entry in August waits
POST /api/v1/time_entries
Authorization: Bearer {{uma}}

{"customer_id": "{{cust_id}}", "service_id": "{{eng_id}}", "start_time": "2030-08-05T04:00:00Z", "duration": 540}
--- 201 partial
{"id": "{{rej_id=uuid}}", "approval_status": "pending"}

=== the approval status is correctly updated and affects billing processes: its request
GET /api/v1/approvals?item_id={{rej_id}}
--- 200 partial
{"data": [{"id": "{{ap_rej=uuid}}", "status": "pending", "reason": "540 minutes exceed the approval threshold of 480 minutes"}]}

=== the approval status is correctly updated and affects billing processes: rejecting needs a note
POST /api/v1/approvals/{{ap_rej}}/reject
Authorization: Bearer {{mona}}

{"decision_note": "   "}
--- 422
{"error": {"code": "required", "field": "decision_note", "message": "decision_note is required to reject"}}

=== the approval status is correctly updated and affects billing processes: rejecting with no body needs a note too
POST /api/v1/approvals/{{ap_rej}}/reject
Authorization: Bearer {{mona}}
--- 422 partial
{"error": {"code": "required", "field": "decision_note"}}

=== the approval status is correctly updated and affects billing processes: the refused rejection changed nothing
GET /api/v1/approvals/{{ap_rej}}
--- 200 partial
{"status": "pending", "version": 1, "decision_note": null}

=== the approval status is correctly updated and affects billing processes: a manager rejects it
POST /api/v1/approvals/{{ap_rej}}/reject
Authorization: Bearer {{mona}}

{"decision_note": "not agreed with the customer"}
--- 200 partial
{"status": "rejected", "approved_by": "{{mona_id}}", "decision_note": "not agreed with the customer", "version": 2}

=== the approval status is correctly updated and affects billing processes: the entry is rejected
GET /api/v1/time_entries/{{rej_id}}
--- 200 partial
{"approval_status": "rejected"}

=== the approval status is correctly updated and affects billing processes: a rejected entry is neither billed nor awaited
POST /api/v1/billing/preview

{"customer_id": "{{cust_id}}", "period_start": "2030-08-01", "period_end": "2030-09-01"}
--- 200 partial
{"total": "0.00", "lines": [], "records_awaiting_approval": 0}

=== the approval status is correctly updated and affects billing processes: a rejected entry changed outside what was judged stays rejected
PATCH /api/v1/time_entries/{{rej_id}}
Authorization: Bearer {{uma}}

{"description": "rejected: migration overtime"}
--- 200 partial
{"approval_status": "rejected"}

=== the approval status is correctly updated and affects billing processes: the August run bills nothing
POST /api/v1/billing/runs

{"date": "2030-09-01"}
--- 201 partial
{"invoices_created": 0, "customers_failed": 0}

=== the approval status is correctly updated and affects billing processes: the rejected entry is never billed
GET /api/v1/time_entries/{{rej_id}}
--- 200 partial
{"approval_status": "rejected", "invoice_id": null, "billed_at": null}

# ---- four eyes ----

=== only authorized users can approve pending items: a manager's own long entry waits
POST /api/v1/time_entries
Authorization: Bearer {{mona}}

{"customer_id": "{{cust_id}}", "service_id": "{{eng_id}}", "start_time": "2030-09-02T04:00:00Z", "duration": 600}
--- 201 partial
{"id": "{{mona_te=uuid}}", "user_id": "{{mona_id}}", "approval_status": "pending"}

=== only authorized users can approve pending items: its request
GET /api/v1/approvals?item_id={{mona_te}}
--- 200 partial
{"data": [{"id": "{{ap_mona=uuid}}", "requested_by": "{{mona_id}}"}]}

=== only authorized users can approve pending items: nobody approves their own request
POST /api/v1/approvals/{{ap_mona}}/approve
Authorization: Bearer {{mona}}
--- 403
{"error": {"code": "forbidden", "message": "you requested this approval; another approver must decide it (four eyes)"}}

=== only authorized users can approve pending items: the self-approval changed nothing
GET /api/v1/approvals/{{ap_mona}}
--- 200 partial
{"status": "pending", "version": 1}

=== only authorized users can approve pending items: the manager is not mailed about her own request
GET /api/v1/outbox?related_id={{ap_mona}}&recipient=mona-{{run_id}}@approvals.example
--- 200
{"data": [], "next_cursor": null}

=== only authorized users can approve pending items: the admin logs time for the manager
POST /api/v1/time_entries

{"customer_id": "{{cust_id}}", "service_id": "{{eng_id}}", "user_id": "{{mona_id}}", "start_time": "2030-09-03T04:00:00Z",
 "duration": 630}
--- 201 partial
{"id": "{{other_te=uuid}}", "approval_status": "pending"}

=== only authorized users can approve pending items: its request was made by the admin
GET /api/v1/approvals?item_id={{other_te}}
--- 200 partial
{"data": [{"id": "{{ap_other=uuid}}", "requested_by": "{{admin_id}}"}]}

=== only authorized users can approve pending items: nobody approves their own time
POST /api/v1/approvals/{{ap_other}}/approve
Authorization: Bearer {{mona}}
--- 403
{"error": {"code": "forbidden", "message": "this is your own time; another approver must decide it (four eyes)"}}

=== only authorized users can approve pending items: the admin approves the manager's own request
POST /api/v1/approvals/{{ap_mona}}/approve
--- 200 partial
{"status": "approved", "approved_by": "{{admin_id}}", "decision_note": null}

# ---- editing an item after a decision ----

=== the approval status is correctly updated and affects billing processes: an approved entry changed outside what was judged stays approved
PATCH /api/v1/time_entries/{{mona_te}}
Authorization: Bearer {{mona}}

{"description": "Datacenter move"}
--- 200 partial
{"approval_status": "approved"}

=== the approval status is correctly updated and affects billing processes: an approved entry given more minutes waits again
PATCH /api/v1/time_entries/{{mona_te}}
Authorization: Bearer {{uma}}

{"duration": 660}
--- 200 partial
{"approval_status": "pending"}

=== the approval status is correctly updated and affects billing processes: its request is re-opened for the editor
GET /api/v1/approvals/{{ap_mona}}
--- 200 partial
{"status": "pending", "requested_by": "{{uma_id}}", "approved_by": null, "approval_date": null,
 "reason": "660 minutes exceed the approval threshold of 480 minutes", "version": 3}

=== the approval status is correctly updated and affects billing processes: the re-opening is audited with the earlier decision
GET /api/v1/audit_logs?entity_id={{ap_mona}}&action=reopen
--- 200 partial
{"data": [{"old_values": {"status": "approved", "approved_by": "{{admin_id}}"}, "new_values": {"status": "pending"}}]}

=== the approval status is correctly updated and affects billing processes: a waiting entry brought under the threshold stops waiting
PATCH /api/v1/time_entries/{{mona_te}}
Authorization: Bearer {{uma}}

{"duration": 300}
--- 200 partial
{"approval_status": "none"}

=== the approval status is correctly updated and affects billing processes: its request is withdrawn
GET /api/v1/approvals/{{ap_mona}}
--- 200 partial
{"status": "withdrawn", "version": 4}

=== the approval status is correctly updated and affects billing processes: a withdrawn request cannot be decided
POST /api/v1/approvals/{{ap_mona}}/approve
--- 409 partial
{"error": {"code": "invalid_state", "message": "the request is withdrawn already; only a pending request can be decided"}}

=== the approval status is correctly updated and affects billing processes: deleting a waiting entry withdraws its request
DELETE /api/v1/time_entries/{{other_te}}
--- 204 empty

=== the approval status is correctly updated and affects billing processes: the deleted entry's request
GET /api/v1/approvals/{{ap_other}}
--- 200 partial
{"status": "withdrawn"}

# ---- thresholds moved: undecided items are screened again ----

=== the approval status is correctly updated and affects billing processes: 450 minutes do not wait under 480
POST /api/v1/time_entries
Authorization: Bearer {{uma}}

{"customer_id": "{{cust_id}}", "service_id": "{{eng_id}}", "start_time": "2030-09-04T04:00:00Z", "duration": 450}
--- 201 partial
{"id": "{{mid_id=uuid}}", "approval_status": "none"}

=== the approval status is correctly updated and affects billing processes: the threshold is lowered to 400 minutes
PATCH /api/v1/system_settings/{{time_setting}}

{"setting_value": 400}
--- 200 partial
{"setting_value": 400}

=== the approval status is correctly updated and affects billing processes: the 450-minute entry now waits
GET /api/v1/time_entries/{{mid_id}}
--- 200 partial
{"approval_status": "pending"}

=== the approval status is correctly updated and affects billing processes: requested for its author
GET /api/v1/approvals?item_id={{mid_id}}
--- 200 partial
{"data": [{"id": "{{ap_mid=uuid}}", "status": "pending", "requested_by": "{{uma_id}}",
           "reason": "450 minutes exceed the approval threshold of 400 minutes"}]}

=== the approval status is correctly updated and affects billing processes: decided entries keep their decision
GET /api/v1/time_entries/{{rej_id}}
--- 200 partial
{"approval_status": "rejected"}

=== the approval status is correctly updated and affects billing processes: the threshold is set back to 480 minutes
PATCH /api/v1/system_settings/{{time_setting}}

{"setting_value": 480}
--- 200 partial
{"setting_value": 480}

=== the approval status is correctly updated and affects billing processes: the 450-minute entry stops waiting
GET /api/v1/time_entries/{{mid_id}}
--- 200 partial
{"approval_status": "none"}

=== the approval status is correctly updated and affects billing processes: and its request is withdrawn
GET /api/v1/approvals/{{ap_mid}}
--- 200 partial
{"status": "withdrawn"}

# ---- usage ----

=== the approval status is correctly updated and affects billing processes: 1500 GB of usage waits
POST /api/v1/usage_records
Authorization: Bearer {{uma}}

{"customer_id": "{{cust_id}}", "service_id": "{{gb_id}}", "usage_date": "2030-09-10", "quantity": "1500"}
--- 201 partial
{"id": "{{big_gb=uuid}}", "approval_status": "pending"}

=== the approval status is correctly updated and affects billing processes: 200 GB do not
POST /api/v1/usage_records
Authorization: Bearer {{uma}}

{"customer_id": "{{cust_id}}", "service_id": "{{gb_id}}", "usage_date": "2030-09-11", "quantity": "200"}
--- 201 partial
{"approval_status": "none"}

=== the approval status is correctly updated and affects billing processes: the usage request
GET /api/v1/approvals?item_type=usage&status=pending
--- 200 partial
{"data": [{"id": "{{ap_gb=uuid}}", "item_id": "{{big_gb}}", "reason": "quantity 1500 exceeds the approval threshold of 1000"}]}

=== the approval status is correctly updated and affects billing processes: September before the usage decision
POST /api/v1/billing/preview

{"customer_id": "{{cust_id}}", "period_start": "2030-09-01", "period_end": "2030-10-01"}
--- 200 partial
{"records_awaiting_approval": 1, "total": "1270.00"}

=== the approval status is correctly updated and affects billing processes: the usage is approved
POST /api/v1/approvals/{{ap_gb}}/approve
Authorization: Bearer {{mona}}
--- 200 partial
{"status": "approved"}

=== the approval status is correctly updated and affects billing processes: September after it
POST /api/v1/billing/preview

{"customer_id": "{{cust_id}}", "period_start": "2030-09-01", "period_end": "2030-10-01"}
--- 200 partial
{"records_awaiting_approval": 0, "total": "1420.00"}

# ---- discounts over a certain value require managerial approval ----

=== discounts over a certain value require managerial approval: a plain user cannot create one
POST /api/v1/discounts
Authorization: Bearer {{uma}}

{"discount_name": "Friends", "discount_type": "percentage", "value": "50"}
--- 403 partial
{"error": {"code": "forbidden"}}

=== discounts over a certain value require managerial approval: a 25 percent discount waits
POST /api/v1/discounts
Authorization: Bearer {{mona}}

{"discount_name": "Loyalty 25", "discount_type": "percentage", "value": "25"}
--- 201 partial
{"id": "{{d25=uuid}}", "approval_status": "pending"}

=== discounts over a certain value require managerial approval: a 10 percent discount does not
POST /api/v1/discounts
Authorization: Bearer {{mona}}

{"discount_name": "Small 10", "discount_type": "percentage", "value": "10", "start_date": "2030-12-01"}
--- 201 partial
{"approval_status": "none"}

=== discounts over a certain value require managerial approval: a fixed 600.00 discount waits
POST /api/v1/discounts
Authorization: Bearer {{mona}}

{"discount_name": "Goodwill 600", "discount_type": "fixed", "value": "600"}
--- 201 partial
{"id": "{{d600=uuid}}", "approval_status": "pending"}

=== discounts over a certain value require managerial approval: the requests name their thresholds
GET /api/v1/approvals?item_type=discount&order=-request_date
--- 200 partial
{"data": [{"item_id": "{{d600}}", "reason": "600 INR exceeds the approval threshold of 500.00 INR"},
          {"id": "{{ap_d25=uuid}}", "item_id": "{{d25}}", "reason": "25% exceeds the approval threshold of 20%"}]}

=== discounts over a certain value require managerial approval: the 25 percent discount on the plan
POST /api/v1/plan_discounts
Authorization: Bearer {{mona}}

{"discount_id": "{{d25}}", "plan_id": "{{plan_id}}"}
--- 201 partial
{"discount_id": "{{d25}}"}

=== discounts over a certain value require managerial approval: not applied while it waits, and listed
POST /api/v1/billing/preview

{"customer_id": "{{cust_id}}", "period_start": "2030-09-01", "period_end": "2030-10-01"}
--- 200 partial
{"total": "1420.00", "discount_total": "0.00",
 "awaiting_approval": [{"discount_id": "{{d25}}", "name": "Loyalty 25", "reason": "25% exceeds the approval threshold of 20%"}]}

=== discounts over a certain value require managerial approval: the manager who made it cannot approve it
POST /api/v1/approvals/{{ap_d25}}/approve
Authorization: Bearer {{mona}}
--- 403 partial
{"error": {"code": "forbidden"}}

=== discounts over a certain value require managerial approval: a plain user cannot either
POST /api/v1/approvals/{{ap_d25}}/approve
Authorization: Bearer {{uma}}
--- 403 partial
{"error": {"code": "forbidden"}}

=== discounts over a certain value require managerial approval: the admin approves it
POST /api/v1/approvals/{{ap_d25}}/approve

{"decision_note": "renewal incentive"}
--- 200 partial
{"status": "approved", "approved_by": "{{admin_id}}"}

=== discounts over a certain value require managerial approval: approved, it applies
POST /api/v1/billing/preview

{"customer_id": "{{cust_id}}", "period_start": "2030-09-01", "period_end": "2030-10-01"}
--- 200 partial
{"gross_total": "1420.00", "discount_total": "355.00", "total": "1065.00", "awaiting_approval": []}

=== discounts over a certain value require managerial approval: raising an approved discount re-opens its approval
PATCH /api/v1/discounts/{{d25}}

{"value": "30"}
--- 200 partial
{"approval_status": "pending"}

=== discounts over a certain value require managerial approval: and it stops applying until decided
POST /api/v1/billing/preview

{"customer_id": "{{cust_id}}", "period_start": "2030-09-01", "period_end": "2030-10-01"}
--- 200 partial
{"discount_total": "0.00", "awaiting_approval": [{"discount_id": "{{d25}}", "reason": "30% exceeds the approval threshold of 20%"}]}

=== discounts over a certain value require managerial approval: the editor cannot approve her own change
POST /api/v1/approvals/{{ap_d25}}/approve
--- 403 partial
{"error": {"code": "forbidden"}}

=== discounts over a certain value require managerial approval: rejected, it never applies
POST /api/v1/approvals/{{ap_d25}}/reject
Authorization: Bearer {{mona}}

{"decision_note": "30 percent is too much"}
--- 200 partial
{"status": "rejected"}

=== discounts over a certain value require managerial approval: the preview says it was rejected
POST /api/v1/billing/preview

{"customer_id": "{{cust_id}}", "period_start": "2030-09-01", "period_end": "2030-10-01"}
--- 200 partial
{"discount_total": "0.00", "total": "1420.00",
 "awaiting_approval": [{"discount_id": "{{d25}}", "reason": "the discount's approval was rejected"}]}

=== discounts over a certain value require managerial approval: deleting a waiting discount withdraws its request
DELETE /api/v1/discounts/{{d600}}
Authorization: Bearer {{mona}}
--- 204 empty

=== discounts over a certain value require managerial approval: the deleted discount's request
GET /api/v1/approvals?item_id={{d600}}
--- 200 partial
{"data": [{"status": "withdrawn"}]}

=== the approval status is correctly updated and affects billing processes: the approvals table cannot be written directly
POST /api/v1/approvals

{"item_type": "time_entry", "item_id": "{{long_id}}"}
--- 405 partial
{"error": {"code": "method_not_allowed"}}

=== the approval status is correctly updated and affects billing processes: nor an item's approval status
PATCH /api/v1/time_entries/{{mid_id}}
Authorization: Bearer {{uma}}

{"approval_status": "approved"}
--- 422 partial
{"error": {"code": "read_only_field", "field": "approval_status"}}
