# 40_recon.t — reconciliation's tables and their rules, request by request: contracts (party,
# period, amounts, schedule, status transitions), billing records (totals, party, unique number per
# contractor, currency, linking), settings, the read-only matching tables, reports, uploads and the
# CSV import's refusals. Contracts here are drafts, so nothing depends on the day the suite runs
# (a draft expects no billing yet: no period is ever missing); the dated flows are in
# tests/scenario/test_recon.c.

@header X-Remit-Test-Ip: 198.51.40.1-{{run_id}}

=== sign up
POST /api/v1/auth/signup

{"tenant_name": "Recon {{run_id}}", "email": "recon-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{token=string}}", "user": {"id": "{{user_id=uuid}}"}}

@header Authorization: Bearer {{token}}

=== a contractor contract: every field, the budget defaults to the schedule's total
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-1", "contract_name": "Office maintenance", "party_type": "contractor",
 "contractor_name": "Acme Services", "contractor_email": "Billing@Acme.example", "contract_type": "AMC",
 "contract_start_date": "2026-01-15", "contract_end_date": "2027-01-14", "period_amount": "1200.00",
 "billing_cycle": "monthly", "tax_rate": "18", "terms_and_conditions": "Net 30."}
--- 201
Location: /api/v1/contracts/{{contract_id=uuid}}
ETag: "1"

{"id": "{{contract_id}}", "contract_number": "CT-{{run_id}}-1", "contract_name": "Office maintenance",
 "party_type": "contractor", "customer_id": null, "contractor_name": "Acme Services",
 "contractor_email": "billing@acme.example", "contractor_phone": null, "opportunity_id": null,
 "contract_type": "AMC", "contract_start_date": "2026-01-15", "contract_end_date": "2027-01-14",
 "currency": "INR", "period_amount": "1200.00", "contract_amount": "14400.00", "billing_cycle": "monthly",
 "billing_timing": "in_advance", "payment_terms": 30, "tax_rate": "18", "contract_description": null,
 "terms_and_conditions": "Net 30.", "contract_status": "draft", "termination_date": null,
 "termination_reason": null, "signed_by": null, "signed_at": null, "owner_id": null, "version": 1,
 "created_by": "{{user_id}}", "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}

=== the last partial period is prorated: contract_amount follows the schedule (1,200.00 x 15 / 30)
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-2", "contract_name": "Short", "party_type": "contractor",
 "contractor_name": "Acme Services", "contract_start_date": "2026-01-15", "contract_end_date": "2026-04-29",
 "period_amount": "1200.00", "billing_cycle": "monthly"}
--- 201 partial
{"id": "{{short_id=uuid}}", "contract_amount": "4200.00"}

=== its schedule: four periods, the last one prorated (computed periods are half-open: the last ends 04-30)
GET /api/v1/contracts/{{short_id}}/schedule
--- 200 partial
{"contract_number": "CT-{{run_id}}-2", "currency": "INR", "contract_amount": "4200.00",
 "expected_total": "4200.00", "billed_total": "0.00", "paid_total": "0.00", "missing_periods": 0,
 "unplaced_records": [],
 "periods": [
   {"index": 0, "period_start": "2026-01-15", "period_end": "2026-02-15", "billing_date": "2026-01-15",
    "due_date": "2026-02-14", "prorated": false, "expected": "1200.00", "billed": "0.00"},
   {"index": 1, "period_start": "2026-02-15", "period_end": "2026-03-15"},
   {"index": 2, "period_start": "2026-03-15", "period_end": "2026-04-15"},
   {"index": 3, "period_start": "2026-04-15", "period_end": "2026-04-30", "prorated": true,
    "expected": "600.00"}]}

=== changing the period amount moves a budget that followed the schedule
PATCH /api/v1/contracts/{{short_id}}

{"period_amount": "1000.00"}
--- 200 partial
{"period_amount": "1000.00", "contract_amount": "3500.00", "version": 2}

=== a budget someone set stays where it was set
PATCH /api/v1/contracts/{{short_id}}

{"contract_amount": "5000.00"}
--- 200 partial
{"contract_amount": "5000.00"}

=== and is not moved by a later change of the period amount
PATCH /api/v1/contracts/{{short_id}}

{"period_amount": "1100.00"}
--- 200 partial
{"period_amount": "1100.00", "contract_amount": "5000.00"}

=== a one-off contract: the contract amount is its one period
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-3", "contract_name": "Audit", "party_type": "contractor",
 "contractor_name": "Zenith Audit", "contract_start_date": "2026-02-01", "contract_end_date": "2026-02-28",
 "contract_amount": "25000.00", "billing_cycle": "one_off", "billing_timing": "in_arrears"}
--- 201 partial
{"id": "{{oneoff_id=uuid}}", "period_amount": "25000.00", "contract_amount": "25000.00"}

=== the contract number is unique in the tenant
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-1", "contract_name": "Again", "party_type": "contractor",
 "contractor_name": "Acme Services", "contract_start_date": "2026-01-15", "contract_end_date": "2027-01-15",
 "period_amount": "1.00", "billing_cycle": "monthly"}
--- 409
{"error": {"code": "duplicate", "field": "contract_number", "message": "{{string}}"}}

=== a customer contract needs its customer
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-9", "contract_name": "X", "party_type": "customer",
 "contract_start_date": "2026-01-15", "contract_end_date": "2027-01-14", "period_amount": "1.00",
 "billing_cycle": "monthly"}
--- 422
{"error": {"code": "required", "field": "customer_id", "message": "customer_id is required for a customer contract"}}

=== a contractor contract needs the contractor's name
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-9", "contract_name": "X", "party_type": "contractor", "contractor_name": "  ",
 "contract_start_date": "2026-01-15", "contract_end_date": "2027-01-14", "period_amount": "1.00",
 "billing_cycle": "monthly"}
--- 422
{"error": {"code": "required", "field": "contractor_name", "message": "contractor_name is required for a contractor contract"}}

=== the end date (the last day) is not before the start date
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-9", "contract_name": "X", "party_type": "contractor", "contractor_name": "A",
 "contract_start_date": "2026-01-15", "contract_end_date": "2026-01-14", "period_amount": "1.00",
 "billing_cycle": "monthly"}
--- 422
{"error": {"code": "invalid", "field": "contract_end_date", "message": "{{string}}"}}

=== a recurring contract needs its period amount
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-9", "contract_name": "X", "party_type": "contractor", "contractor_name": "A",
 "contract_start_date": "2026-01-15", "contract_end_date": "2027-01-14", "contract_amount": "1200.00",
 "billing_cycle": "quarterly"}
--- 422
{"error": {"code": "required", "field": "period_amount", "message": "period_amount is required: the amount billed for one full period"}}

=== billing cycles are one_off, monthly, quarterly, half_yearly, yearly
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-9", "contract_name": "X", "party_type": "contractor", "contractor_name": "A",
 "contract_start_date": "2026-01-15", "contract_end_date": "2027-01-14", "period_amount": "1.00",
 "billing_cycle": "weekly"}
--- 422
{"error": {"code": "invalid", "field": "billing_cycle", "message": "billing_cycle must be one of: one_off, monthly, quarterly, half_yearly, yearly"}}

=== a schedule longer than 1,200 periods is refused
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-9", "contract_name": "X", "party_type": "contractor", "contractor_name": "A",
 "contract_start_date": "2000-01-01", "contract_end_date": "2200-01-01", "period_amount": "1.00",
 "billing_cycle": "monthly"}
--- 422
{"error": {"code": "out_of_range", "field": "contract_end_date", "message": "{{string}}"}}

=== an unknown currency is refused (the amounts cannot be read in it)
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-9", "contract_name": "X", "party_type": "contractor", "contractor_name": "A",
 "contract_start_date": "2026-01-15", "contract_end_date": "2027-01-14", "period_amount": "1.00",
 "billing_cycle": "monthly", "currency": "XYZ"}
--- 422
{"error": {"code": "invalid", "field": "period_amount", "message": "period_amount has an unknown currency XYZ"}}

=== expired is set by the daily job, not by a request
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-9", "contract_name": "X", "party_type": "contractor", "contractor_name": "A",
 "contract_start_date": "2026-01-15", "contract_end_date": "2027-01-14", "period_amount": "1.00",
 "billing_cycle": "monthly", "contract_status": "expired"}
--- 422
{"error": {"code": "invalid", "field": "contract_status", "message": "expired is set by the daily job when contract_end_date passes"}}

=== a new contract is draft or active
POST /api/v1/contracts

{"contract_number": "CT-{{run_id}}-9", "contract_name": "X", "party_type": "contractor", "contractor_name": "A",
 "contract_start_date": "2026-01-15", "contract_end_date": "2027-01-14", "period_amount": "1.00",
 "billing_cycle": "monthly", "contract_status": "suspended"}
--- 422
{"error": {"code": "invalid", "field": "contract_status", "message": "a new contract is draft or active"}}

=== a draft cannot be suspended
PATCH /api/v1/contracts/{{oneoff_id}}

{"contract_status": "suspended"}
--- 409
{"error": {"code": "invalid_state", "field": "contract_status", "message": "a draft contract cannot become suspended"}}

=== terminating needs a date within the contract period
PATCH /api/v1/contracts/{{oneoff_id}}

{"contract_status": "terminated", "termination_date": "2026-05-01"}
--- 422
{"error": {"code": "invalid", "field": "termination_date", "message": "termination_date must lie within the contract period"}}

=== a terminated contract's periods end at its termination
PATCH /api/v1/contracts/{{short_id}}

{"contract_status": "terminated", "termination_date": "2026-02-28", "termination_reason": "moved offices"}
--- 200 partial
{"contract_status": "terminated", "termination_date": "2026-02-28", "contract_amount": "5000.00"}

=== the terminated contract's schedule stops after its last day, the second period prorated (14 of 28 days)
GET /api/v1/contracts/{{short_id}}/schedule
--- 200 partial
{"expected_total": "1650.00",
 "periods": [{"period_start": "2026-01-15", "period_end": "2026-02-15", "expected": "1100.00"},
             {"period_start": "2026-02-15", "period_end": "2026-03-01", "prorated": true, "expected": "550.00"}]}

=== terminated is final
PATCH /api/v1/contracts/{{short_id}}

{"contract_status": "active"}
--- 409
{"error": {"code": "invalid_state", "field": "contract_status", "message": "a terminated contract cannot become active"}}

# ---- billing records ----

=== a billing record linked by hand: party and currency from the contract, total computed
POST /api/v1/billing_records

{"contract_id": "{{contract_id}}", "billing_number": "ACME/001", "billing_date": "2026-01-15",
 "due_date": "2026-02-10", "billing_amount": "1200.00", "tax_amount": "216.00", "billing_description": "January"}
--- 201
Location: /api/v1/billing_records/{{jan_id=uuid}}

{"id": "{{jan_id}}", "contract_id": "{{contract_id}}", "contract_number": null, "billing_number": "ACME/001",
 "customer_id": null, "contractor_name": "Acme Services", "contractor_email": "billing@acme.example",
 "billing_date": "2026-01-15", "due_date": "2026-02-10", "period_start": null, "period_end": null,
 "currency": "INR", "billing_amount": "1200.00", "tax_amount": "216.00", "total_amount": "1416.00",
 "paid_amount": "0.00", "paid_date": null, "billing_status": "received", "billing_description": "January",
 "link_status": "linked", "link_method": "manual", "link_candidates": null, "version": 1,
 "created_by": "{{user_id}}", "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}

=== its matching result: matched, tax at the rate in force
GET /api/v1/matching_results?billing_record_id={{jan_id}}
--- 200
{"data": [{"id": "{{jan_result=uuid}}", "contract_id": "{{contract_id}}", "billing_record_id": "{{jan_id}}",
  "matching_status": "matched", "discrepancy_details": [], "currency": "INR", "expected_amount": "1200.00",
  "billed_amount": "1200.00", "amount_difference": "0.00", "period_start": "2026-01-15",
  "period_end": "2026-02-15", "is_resolved": true, "resolution": null, "resolution_note": null,
  "resolved_by": null, "resolved_at": null, "matched_at": "{{timestamp}}", "version": 1,
  "created_by": "{{user_id}}", "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}],
 "next_cursor": null}

=== tax off the rate and a due date past the terms are discrepancies
POST /api/v1/billing_records

{"contract_id": "{{contract_id}}", "billing_number": "ACME/002", "billing_date": "2026-02-15",
 "due_date": "2026-04-01", "billing_amount": "1200.00", "tax_amount": "200.00"}
--- 201 partial
{"id": "{{feb_id=uuid}}", "total_amount": "1400.00"}

=== the result lists both, machine-readable
GET /api/v1/matching_results?billing_record_id={{feb_id}}
--- 200 partial
{"data": [{"matching_status": "mismatched", "amount_difference": "0.00",
  "discrepancy_details": [
    {"kind": "tax_mismatch", "tax_rate": "18", "expected_tax": "216.00", "tax_amount": "200.00",
     "difference": "-16.00"},
    {"kind": "due_date_beyond_terms", "due_date": "2026-04-01", "latest_due_date": "2026-03-17",
     "payment_terms": 30}]}]}

=== and each raised its alert at the tenant's level
GET /api/v1/alerts?billing_record_id={{feb_id}}&order=alert_type
--- 200 partial
{"data": [{"id": "{{due_alert=uuid}}", "alert_type": "due_date_beyond_terms", "alert_level": "info",
           "is_read": false, "is_resolved": false,
           "assigned_to": "{{user_id}}", "contract_id": "{{contract_id}}",
           "details": {"kind": "due_date_beyond_terms", "due_date": "2026-04-01"}},
          {"alert_type": "tax_mismatch", "alert_level": "warning", "alert_title": "Tax mismatch on contract CT-{{run_id}}-1",
           "alert_message": "Bill ACME/002 charges tax of 200.00 INR; the rate in force gives 216.00"}]}

=== a total that is not amount + tax is refused
POST /api/v1/billing_records

{"contract_id": "{{contract_id}}", "billing_number": "ACME/003", "billing_date": "2026-03-15",
 "billing_amount": "1200.00", "tax_amount": "216.00", "total_amount": "1400.00"}
--- 422
{"error": {"code": "invalid", "field": "total_amount", "message": "total_amount must equal billing_amount + tax_amount"}}

=== more paid than the total is refused
POST /api/v1/billing_records

{"contract_id": "{{contract_id}}", "billing_number": "ACME/003", "billing_date": "2026-03-15",
 "billing_amount": "10.00", "paid_amount": "10.01"}
--- 422
{"error": {"code": "invalid", "field": "paid_amount", "message": "paid_amount must not exceed total_amount"}}

=== a due date before the billing date is refused
POST /api/v1/billing_records

{"contract_id": "{{contract_id}}", "billing_number": "ACME/003", "billing_date": "2026-03-15",
 "due_date": "2026-03-14", "billing_amount": "10.00"}
--- 422
{"error": {"code": "invalid", "field": "due_date", "message": "due_date must not be before billing_date"}}

=== a service period (its end is its last day) does not end before it starts
POST /api/v1/billing_records

{"contract_id": "{{contract_id}}", "billing_number": "ACME/003", "billing_date": "2026-03-15",
 "period_start": "2026-03-15", "period_end": "2026-03-14", "billing_amount": "10.00"}
--- 422
{"error": {"code": "invalid", "field": "period_end", "message": "period_end must not be before period_start"}}

=== the currency is the contract's
POST /api/v1/billing_records

{"contract_id": "{{contract_id}}", "billing_number": "ACME/003", "billing_date": "2026-03-15",
 "currency": "USD", "billing_amount": "10.00"}
--- 422
{"error": {"code": "invalid", "field": "currency", "message": "currency must be the contract's (INR)"}}

=== a contract of another tenant, or none, is not a reference
POST /api/v1/billing_records

{"contract_id": "01900000-0000-7000-8000-000000000000", "billing_number": "ACME/003",
 "billing_date": "2026-03-15", "billing_amount": "10.00"}
--- 422
{"error": {"code": "invalid_reference", "field": "contract_id", "message": "{{string}}"}}

=== a bill needs someone who sent it
POST /api/v1/billing_records

{"billing_number": "X-1", "billing_date": "2026-03-15", "billing_amount": "10.00"}
--- 422
{"error": {"code": "required", "field": "contractor_name", "message": "{{string}}"}}

=== the billing number is unique per contractor
POST /api/v1/billing_records

{"contractor_name": "ACME services", "billing_number": "ACME/001", "billing_date": "2026-03-15",
 "billing_amount": "10.00"}
--- 409
{"error": {"code": "duplicate", "field": "billing_number", "message": "billing_number ACME/001 is already used by this contractor"}}

=== another contractor may use the same number: unlinked, waiting in the queue
POST /api/v1/billing_records

{"contractor_name": "Other Supplier", "billing_number": "ACME/001", "billing_date": "2026-03-15",
 "billing_amount": "10.00"}
--- 201 partial
{"id": "{{other_id=uuid}}", "contract_id": null, "link_status": "unlinked", "link_method": null,
 "link_candidates": []}

=== the unlinked queue
GET /api/v1/billing_records?link_status=unlinked
--- 200
{"data": [{"id": "{{other_id}}", "billing_number": "ACME/001", "contractor_name": "Other Supplier",
  "link_status": "unlinked", "link_candidates": [], "contract_id": null, "contract_number": null,
  "customer_id": null, "contractor_email": null, "billing_date": "2026-03-15", "due_date": null,
  "period_start": null, "period_end": null, "currency": "INR", "billing_amount": "10.00", "tax_amount": "0.00",
  "total_amount": "10.00", "paid_amount": "0.00", "paid_date": null, "billing_status": "received",
  "billing_description": null, "link_method": null, "version": 1, "created_by": "{{user_id}}",
  "created_at": "{{timestamp}}", "updated_at": "{{timestamp}}"}], "next_cursor": null}

=== its result is unmatched, with the unlinked discrepancy
GET /api/v1/matching_results?billing_record_id={{other_id}}
--- 200 partial
{"data": [{"contract_id": null, "matching_status": "unmatched", "billed_amount": "10.00",
  "amount_difference": "10.00", "discrepancy_details": [{"kind": "unlinked_record", "candidates": []}]}]}

=== its contract number, given later, links it
PATCH /api/v1/billing_records/{{other_id}}

{"contract_number": "ct-{{run_id}}-3"}
--- 200 partial
{"contract_id": "{{oneoff_id}}", "link_status": "linked", "link_method": "contract_number",
 "link_candidates": null}

=== a cancelled record is not matched: its result no longer applies
PATCH /api/v1/billing_records/{{other_id}}

{"billing_status": "cancelled"}
--- 200 partial
{"billing_status": "cancelled"}

=== the result says so
GET /api/v1/matching_results?billing_record_id={{other_id}}
--- 200 partial
{"data": [{"contract_id": "{{oneoff_id}}", "is_resolved": true, "resolution": "no_longer_applies"}]}

=== a contract with billing records cannot be deleted
DELETE /api/v1/contracts/{{contract_id}}
--- 409
{"error": {"code": "conflict", "message": "the contract has 2 billing record(s); delete them or link them elsewhere first"}}

# ---- what matching owns ----

=== matching results are written by matching only
POST /api/v1/matching_results

{"matching_status": "matched"}
--- 405
{"error": {"code": "method_not_allowed", "message": "{{string}}"}}

=== alerts cannot be created by hand either
POST /api/v1/alerts

{"alert_type": "over_budget"}
--- 405
{"error": {"code": "method_not_allowed", "message": "{{string}}"}}

=== only the assignee of an alert may be changed
PATCH /api/v1/alerts/{{due_alert}}

{"is_resolved": true}
--- 422
{"error": {"code": "read_only_field", "field": "is_resolved", "message": "{{string}}"}}

=== an alert of another tenant, or none, is not found
POST /api/v1/alerts/01900000-0000-7000-8000-000000000000/resolve

{"note": "done"}
--- 404
{"error": {"code": "not_found", "message": "{{string}}"}}

=== accepting a matched result is refused
POST /api/v1/matching_results/{{jan_result}}/accept

{"reason": "fine"}
--- 409
{"error": {"code": "invalid_state", "message": "a matched result has nothing to accept"}}

=== accept takes a reason and nothing else
POST /api/v1/matching_results/{{jan_result}}/accept

{"reason": "fine", "note": "x"}
--- 422
{"error": {"code": "unknown_field", "field": "note", "message": "{{string}}"}}

# ---- settings ----

=== settings: the defaults until someone sets them
GET /api/v1/reconciliation/settings
--- 200
{"amount_tolerance_percent": "0", "amount_tolerance_amount": "0", "expiry_notice_days": 30,
 "default_assignee_id": null, "level_amount_mismatch": "warning", "level_outside_period": "warning",
 "level_duplicate_period": "critical", "level_missing_period": "warning", "level_over_budget": "critical",
 "level_tax_mismatch": "warning", "level_due_date_beyond_terms": "info", "level_unlinked_record": "info",
 "level_contract_expiry": "info", "updated_at": null}

=== settings are validated like any input
POST /api/v1/reconciliation/settings

{"level_over_budget": "urgent"}
--- 422
{"error": {"code": "invalid", "field": "level_over_budget", "message": "level_over_budget must be one of: none, info, warning, critical"}}

=== a negative tolerance is refused
POST /api/v1/reconciliation/settings

{"amount_tolerance_percent": "-1"}
--- 422
{"error": {"code": "out_of_range", "field": "amount_tolerance_percent", "message": "amount_tolerance_percent must not be negative"}}

=== the default assignee must be a user of the tenant
POST /api/v1/reconciliation/settings

{"default_assignee_id": "01900000-0000-7000-8000-000000000000"}
--- 422
{"error": {"code": "invalid_reference", "field": "default_assignee_id", "message": "{{string}}"}}

=== settings change in part
POST /api/v1/reconciliation/settings

{"amount_tolerance_percent": "2.5", "amount_tolerance_amount": "10", "level_due_date_beyond_terms": "none",
 "default_assignee_id": "{{user_id}}"}
--- 200 partial
{"amount_tolerance_percent": "2.5", "amount_tolerance_amount": "10", "expiry_notice_days": 30,
 "level_due_date_beyond_terms": "none", "default_assignee_id": "{{user_id}}", "updated_at": "{{timestamp}}"}

=== and stay
GET /api/v1/reconciliation/settings
--- 200 partial
{"amount_tolerance_percent": "2.5", "level_due_date_beyond_terms": "none"}

=== re-matching the tenant applies them: the due-date alert is closed ("none" wants no alert)
POST /api/v1/reconciliation/match
--- 200 partial
{"stats": {"alerts_resolved": 1, "results_created": 0}}

=== and re-matching again changes nothing
POST /api/v1/reconciliation/match
--- 200 partial
{"stats": {"results_created": 0, "results_updated": 0, "results_closed": 0, "alerts_raised": 0,
           "alerts_reopened": 0, "alerts_resolved": 0}}

# ---- reports ----

=== open discrepancies by type and level
GET /api/v1/reports/discrepancies?contract_id={{contract_id}}
--- 200
{"open_alerts": 1,
 "by_type_and_level": [{"alert_type": "tax_mismatch", "alert_level": "warning", "count": 1,
                        "oldest_at": "{{timestamp}}"}],
 "open_results": [{"matching_status": "mismatched", "currency": "INR", "count": 1,
                   "amount_difference": "0.00"}]}

=== a bad contract id in a report is a bad query
GET /api/v1/reports/discrepancies?contract_id=nope
--- 400
{"error": {"code": "bad_query", "field": "contract_id", "message": "contract_id must be a UUID"}}

=== leakage reads customer contracts only: none here
GET /api/v1/reports/leakage
--- 200 partial
{"as_of": "{{date}}", "source": "invoices+billing_records", "data": []}

# ---- files and import, refused ----

=== a file whose bytes contradict its claimed type is refused
POST /api/v1/contracts/{{contract_id}}/files?file_name=scan.png
Content-Type: image/png

%PDF-1.4 not really a png
--- 415
{"error": {"code": "unsupported_media_type", "field": "Content-Type", "message": "the file is not image/png: its bytes are application/pdf"}}

=== a PDF is taken, its type from its bytes
POST /api/v1/contracts/{{contract_id}}/files?file_name=signed.pdf&description=countersigned
Content-Type: application/pdf

%PDF-1.4 minimal
--- 201 partial
{"id": "{{file_id=uuid}}", "contract_id": "{{contract_id}}", "file_name": "signed.pdf", "file_type": "application/pdf",
 "file_size": 16, "description": "countersigned", "uploaded_by": "{{user_id}}",
 "sha256": "{{sha=string}}", "file_path": "files/{{*}}"}

=== and listed with the contract's files
GET /api/v1/contract_files?contract_id={{contract_id}}
--- 200 partial
{"data": [{"id": "{{file_id}}", "sha256": "{{sha}}"}], "next_cursor": null}

=== its bytes come back
GET /api/v1/contract_files/{{file_id}}/download
--- 200 text
Content-Type: application/pdf
Content-Disposition: attachment; filename="signed.pdf"

%PDF-1.4 minimal

=== a file row's bytes cannot be changed, only its name and description
PATCH /api/v1/contract_files/{{file_id}}

{"sha256": "00"}
--- 422
{"error": {"code": "read_only_field", "field": "sha256", "message": "{{string}}"}}

=== an import without a billing amount column is refused before any row
POST /api/v1/billing_records/import
Content-Type: text/csv

billing_number,billing_date,amount
X-1,2026-01-01,5.00
--- 422
{"error": {"code": "required", "field": "billing_amount", "message": "the CSV file needs a column for billing_amount (name it so, or map it with ?billing_amount=<column>)"}}

=== an import's delimiter is one of , ; | tab
POST /api/v1/billing_records/import?delimiter=x
Content-Type: text/csv

a
--- 422
{"error": {"code": "invalid", "field": "delimiter", "message": "delimiter must be one of , ; | tab"}}

=== an import with a semicolon delimiter and a quoted field
POST /api/v1/billing_records/import?delimiter=;
Content-Type: text/csv

billing_number;billing_date;billing_amount;contractor_name;billing_description
Z-1;2026-02-01;12.00;Zenith Audit;"audit; per CT-{{run_id}}-3"
--- 201 partial
{"imported": 1, "billing_record_ids": ["{{z1=uuid}}"]}

=== the imported record was linked by the number in its description
GET /api/v1/billing_records/{{z1}}
--- 200 partial
{"contract_id": "{{oneoff_id}}", "link_method": "description", "billing_description": "audit; per CT-{{run_id}}-3"}
