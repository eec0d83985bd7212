# 41_recon_rules.t — reconciliation rules found missing by QA (/work/qa/recon/REPORT.md), one
# section per rule: each refusal, then a read showing nothing changed. Contracts are drafts or
# dated in 2026 so that nothing depends on the day the suite runs, except where a section says so.

@header X-Remit-Test-Ip: 198.51.41.1-{{run_id}}

=== sign up
POST /api/v1/auth/signup

{"tenant_name": "Recon rules {{run_id}}", "email": "recon-rules-{{run_id}}@example.com", "password": "correct horse"}
--- 201 partial
{"access_token": "{{token=string}}", "user": {"id": "{{user_id=uuid}}"}}

@header Authorization: Bearer {{token}}

# ---- a contract's currency cannot change once it has billing records (QA d01) ----

=== currency: a contract in INR
POST /api/v1/contracts

{"contract_number": "CR-{{run_id}}-1", "contract_name": "Maintenance", "party_type": "contractor",
 "contractor_name": "Acme Services", "contract_start_date": "2026-01-15", "contract_end_date": "2027-01-14",
 "period_amount": "1200.00", "billing_cycle": "monthly"}
--- 201 partial
{"id": "{{cur_id=uuid}}", "currency": "INR", "version": 1}

=== currency: without billing records it may change, with its amounts restated
PATCH /api/v1/contracts/{{cur_id}}

{"currency": "USD", "period_amount": "15.00", "contract_amount": "180.00"}
--- 200 partial
{"currency": "USD", "period_amount": "15.00", "contract_amount": "180.00", "version": 2}

=== currency: and back
PATCH /api/v1/contracts/{{cur_id}}

{"currency": "INR", "period_amount": "1200.00", "contract_amount": "14400.00"}
--- 200 partial
{"currency": "INR", "period_amount": "1200.00", "contract_amount": "14400.00", "version": 3}

=== currency: a bill in INR on it
POST /api/v1/billing_records

{"contract_id": "{{cur_id}}", "billing_number": "ACME/{{run_id}}/1", "billing_date": "2026-01-15",
 "billing_amount": "1200.00"}
--- 201 partial
{"id": "{{cur_bill=uuid}}", "currency": "INR", "link_status": "linked"}

=== a contract's currency cannot change once it has billing records
PATCH /api/v1/contracts/{{cur_id}}

{"currency": "USD", "period_amount": "15.00", "contract_amount": "180.00"}
--- 422
{"error": {"code": "invalid", "field": "currency", "message": "currency cannot change: the contract has 1 billing record(s) in INR"}}

=== currency: the contract is unchanged
GET /api/v1/contracts/{{cur_id}}
--- 200 partial
{"currency": "INR", "period_amount": "1200.00", "contract_amount": "14400.00", "version": 3}

=== currency: the bill is still matched in INR
GET /api/v1/matching_results?billing_record_id={{cur_bill}}
--- 200 partial
{"data": [{"matching_status": "matched", "currency": "INR", "expected_amount": "1200.00",
  "billed_amount": "1200.00"}]}

# ---- the schedule report's outstanding: billed and paid on one basis, tax included (QA d02) ----

=== outstanding: a contract with 18% tax
POST /api/v1/contracts

{"contract_number": "CR-{{run_id}}-2", "contract_name": "Taxed", "party_type": "contractor",
 "contractor_name": "Taxed Services", "contract_start_date": "2026-01-15", "contract_end_date": "2026-03-14",
 "period_amount": "1200.00", "billing_cycle": "monthly", "tax_rate": "18"}
--- 201 partial
{"id": "{{tax_id=uuid}}"}

=== outstanding: January billed with tax and paid in full
POST /api/v1/billing_records

{"contract_id": "{{tax_id}}", "billing_number": "TX/{{run_id}}/1", "billing_date": "2026-01-15",
 "billing_amount": "1200.00", "tax_amount": "216.00", "paid_amount": "1416.00", "paid_date": "2026-02-01",
 "billing_status": "paid"}
--- 201 partial
{"total_amount": "1416.00", "paid_amount": "1416.00"}

=== outstanding: February billed with tax, unpaid
POST /api/v1/billing_records

{"contract_id": "{{tax_id}}", "billing_number": "TX/{{run_id}}/2", "billing_date": "2026-02-15",
 "billing_amount": "1200.00", "tax_amount": "216.00"}
--- 201 partial
{"total_amount": "1416.00", "paid_amount": "0.00"}

=== outstanding is what the bills total, tax included, less what was paid
GET /api/v1/contracts/{{tax_id}}/schedule
--- 200 partial
{"expected_total": "2400.00", "billed_total": "2400.00", "billed_with_tax_total": "2832.00",
 "paid_total": "1416.00", "outstanding": "1416.00",
 "periods": [{"expected": "1200.00", "billed": "1200.00", "difference": "0.00", "billed_with_tax": "1416.00",
              "paid": "1416.00", "outstanding": "0.00"},
             {"expected": "1200.00", "billed": "1200.00", "difference": "0.00", "billed_with_tax": "1416.00",
              "paid": "0.00", "outstanding": "1416.00"}]}

# ---- unbilled_to_date is per period: a period billed twice does not offset a missing one (QA d03) ----

=== unbilled: a customer
POST /api/v1/customers

{"name": "Unbilled Co {{run_id}}", "currency": "INR"}
--- 201 partial
{"id": "{{unb_cust=uuid}}"}

=== unbilled: its active contract, 1,000.00 monthly, January to March 2026
POST /api/v1/contracts

{"contract_number": "CR-{{run_id}}-3", "contract_name": "Retainer", "party_type": "customer",
 "customer_id": "{{unb_cust}}", "contract_start_date": "2026-01-01", "contract_end_date": "2026-03-31",
 "period_amount": "1000.00", "billing_cycle": "monthly", "contract_status": "active"}
--- 201 partial
{"id": "{{unb_id=uuid}}"}

=== unbilled: January billed
POST /api/v1/billing_records

{"contract_id": "{{unb_id}}", "billing_number": "UB/{{run_id}}/1", "billing_date": "2026-01-01",
 "billing_amount": "1000.00"}
--- 201 partial
{"contract_id": "{{unb_id}}"}

=== unbilled: January billed again
POST /api/v1/billing_records

{"contract_id": "{{unb_id}}", "billing_number": "UB/{{run_id}}/2", "billing_date": "2026-01-02",
 "billing_amount": "1000.00"}
--- 201 partial
{"contract_id": "{{unb_id}}"}

=== unbilled: February billed, March never
POST /api/v1/billing_records

{"contract_id": "{{unb_id}}", "billing_number": "UB/{{run_id}}/3", "billing_date": "2026-02-01",
 "billing_amount": "1000.00"}
--- 201 partial
{"contract_id": "{{unb_id}}"}

=== unbilled_to_date sums what each period lacks
GET /api/v1/contracts/{{unb_id}}/schedule
--- 200 partial
{"expected_to_date": "3000.00", "billed_to_date": "3000.00", "unbilled_to_date": "1000.00", "missing_periods": 1,
 "periods": [{"billed": "2000.00", "status": "over"}, {"billed": "1000.00", "status": "billed"},
             {"billed": "0.00", "status": "missing"}]}

=== unbilled: the leakage report says the same
GET /api/v1/reports/leakage
--- 200 partial
{"data": [{"customer_id": "{{unb_cust}}", "expected_to_date": "3000.00", "invoiced_to_date": "3000.00",
           "leakage": "1000.00", "missing_periods": 1}]}

# ---- contract numbers: unique in the tenant ignoring case, trimmed, never blank (QA d05, d10) ----

=== numbers: a contract ABC
POST /api/v1/contracts

{"contract_number": "ABC-{{run_id}}", "contract_name": "Alpha", "party_type": "contractor",
 "contractor_name": "Alpha Ltd", "contract_start_date": "2026-01-01", "contract_end_date": "2026-12-31",
 "period_amount": "100.00", "billing_cycle": "monthly"}
--- 201 partial
{"id": "{{abc_id=uuid}}", "contract_number": "ABC-{{run_id}}"}

=== contract_number is unique per tenant ignoring case
POST /api/v1/contracts

{"contract_number": "abc-{{run_id}}", "contract_name": "Beta", "party_type": "contractor",
 "contractor_name": "Beta Ltd", "contract_start_date": "2026-01-01", "contract_end_date": "2026-12-31",
 "period_amount": "100.00", "billing_cycle": "monthly"}
--- 409
{"error": {"code": "duplicate", "field": "contract_number", "message": "contract_number abc-{{run_id}} is already used (as ABC-{{run_id}}): case does not tell numbers apart"}}

=== contract_number surrounded by blanks is the same number
POST /api/v1/contracts

{"contract_number": "  ABC-{{run_id}} ", "contract_name": "Beta", "party_type": "contractor",
 "contractor_name": "Beta Ltd", "contract_start_date": "2026-01-01", "contract_end_date": "2026-12-31",
 "period_amount": "100.00", "billing_cycle": "monthly"}
--- 409
{"error": {"code": "duplicate", "field": "contract_number", "message": "{{string}}"}}

=== numbers: another contract, its number given with blanks around it
POST /api/v1/contracts

{"contract_number": " DEF-{{run_id}}  ", "contract_name": "Delta", "party_type": "contractor",
 "contractor_name": "Delta Ltd", "contract_start_date": "2026-01-01", "contract_end_date": "2026-12-31",
 "period_amount": "100.00", "billing_cycle": "monthly"}
--- 201 partial
{"id": "{{def_id=uuid}}", "contract_number": "DEF-{{run_id}}", "version": 1}

=== contract_number cannot be renamed onto another contract's number in another case
PATCH /api/v1/contracts/{{def_id}}

{"contract_number": "Abc-{{run_id}}"}
--- 409
{"error": {"code": "duplicate", "field": "contract_number", "message": "{{string}}"}}

=== contract_number cannot be blank
PATCH /api/v1/contracts/{{def_id}}

{"contract_number": "   "}
--- 422
{"error": {"code": "required", "field": "contract_number", "message": "contract_number is required"}}

=== a new contract's number cannot be blank
POST /api/v1/contracts

{"contract_number": "   ", "contract_name": "Blank", "party_type": "contractor",
 "contractor_name": "Blank Ltd", "contract_start_date": "2026-01-01", "contract_end_date": "2026-12-31",
 "period_amount": "100.00", "billing_cycle": "monthly"}
--- 422
{"error": {"code": "required", "field": "contract_number", "message": "contract_number is required"}}

=== numbers: a contract may change the case of its own number
PATCH /api/v1/contracts/{{def_id}}

{"contract_number": "def-{{run_id}}"}
--- 200 partial
{"contract_number": "def-{{run_id}}", "version": 2}

=== numbers: only the two contracts exist, unchanged by the refusals
GET /api/v1/contracts?contract_name=Beta
--- 200
{"data": [], "next_cursor": null}

=== numbers: the first is as it was
GET /api/v1/contracts/{{abc_id}}
--- 200 partial
{"contract_number": "ABC-{{run_id}}", "version": 1}

=== numbers: a bill quoting the exact number links to the one contract
POST /api/v1/billing_records

{"contractor_name": "Alpha Ltd", "contract_number": "ABC-{{run_id}}", "billing_number": "AL/{{run_id}}/1",
 "billing_date": "2026-01-01", "billing_amount": "100.00"}
--- 201 partial
{"contract_id": "{{abc_id}}", "link_status": "linked", "link_method": "contract_number"}

=== billing_number cannot be blank
POST /api/v1/billing_records

{"contract_id": "{{abc_id}}", "billing_number": "  ", "billing_date": "2026-02-01", "billing_amount": "100.00"}
--- 422
{"error": {"code": "required", "field": "billing_number", "message": "billing_number is required"}}

=== billing_number is trimmed, so blanks do not make a second number
POST /api/v1/billing_records

{"contract_id": "{{abc_id}}", "billing_number": " AL/{{run_id}}/1 ", "billing_date": "2026-02-01",
 "billing_amount": "100.00"}
--- 409
{"error": {"code": "duplicate", "field": "billing_number", "message": "billing_number AL/{{run_id}}/1 is already used by this contractor"}}

=== numbers: the contract still has its one bill
GET /api/v1/billing_records?contract_id={{abc_id}}
--- 200 partial
{"data": [{"billing_number": "AL/{{run_id}}/1", "billing_date": "2026-01-01"}], "next_cursor": null}

# ---- a terminated contract's terms are final (QA d07) ----

=== terminated: a 2026 contract, 100.00 monthly
POST /api/v1/contracts

{"contract_number": "CR-{{run_id}}-7", "contract_name": "Ended", "party_type": "contractor",
 "contractor_name": "Ended Ltd", "contract_start_date": "2026-01-01", "contract_end_date": "2026-12-31",
 "period_amount": "100.00", "billing_cycle": "monthly"}
--- 201 partial
{"id": "{{term_id=uuid}}", "contract_amount": "1200.00"}

=== terminated: terminated on 2026-06-30, its budget follows the shorter schedule
PATCH /api/v1/contracts/{{term_id}}

{"contract_status": "terminated", "termination_date": "2026-06-30", "termination_reason": "closed"}
--- 200 partial
{"contract_status": "terminated", "termination_date": "2026-06-30", "contract_amount": "600.00", "version": 2}

=== a terminated contract's schedule fields cannot change
PATCH /api/v1/contracts/{{term_id}}

{"period_amount": "500.00", "contract_end_date": "2030-12-31", "termination_date": "2029-01-01"}
--- 409
{"error": {"code": "invalid_state", "field": "contract_end_date", "message": "a terminated contract's contract_end_date cannot change"}}

=== a terminated contract's termination date cannot move
PATCH /api/v1/contracts/{{term_id}}

{"termination_date": "2026-09-30"}
--- 409
{"error": {"code": "invalid_state", "field": "termination_date", "message": "a terminated contract's termination_date cannot change"}}

=== a terminated contract's amounts cannot change
PATCH /api/v1/contracts/{{term_id}}

{"period_amount": "500.00"}
--- 409
{"error": {"code": "invalid_state", "field": "period_amount", "message": "a terminated contract's period_amount cannot change"}}

=== a terminated contract's budget cannot change
PATCH /api/v1/contracts/{{term_id}}

{"contract_amount": "9000.00"}
--- 409
{"error": {"code": "invalid_state", "field": "contract_amount", "message": "a terminated contract's contract_amount cannot change"}}

=== terminated: the contract is as it was terminated
GET /api/v1/contracts/{{term_id}}
--- 200 partial
{"contract_status": "terminated", "contract_end_date": "2026-12-31", "termination_date": "2026-06-30",
 "period_amount": "100.00", "contract_amount": "600.00", "version": 2}

=== terminated: its schedule still ends on its last day
GET /api/v1/contracts/{{term_id}}/schedule
--- 200 partial
{"expected_total": "600.00", "contract_amount": "600.00",
 "periods": [{"period_start": "2026-01-01"}, {"period_start": "2026-02-01"}, {"period_start": "2026-03-01"},
             {"period_start": "2026-04-01"}, {"period_start": "2026-05-01"},
             {"period_start": "2026-06-01", "period_end": "2026-07-01"}]}

=== terminated: what does not move the schedule may still change
PATCH /api/v1/contracts/{{term_id}}

{"termination_reason": "closed: office moved", "contract_description": "kept for the record"}
--- 200 partial
{"termination_reason": "closed: office moved", "termination_date": "2026-06-30", "contract_amount": "600.00",
 "version": 3}

# ---- the daily job leaves a suspended contract suspended (QA d08); dated 2025, in the past ----

=== suspended: an active contract that ended 2025-10-31, 100.00 monthly
POST /api/v1/contracts

{"contract_number": "CR-{{run_id}}-8", "contract_name": "Paused", "party_type": "contractor",
 "contractor_name": "Paused Ltd", "contract_start_date": "2025-01-01", "contract_end_date": "2025-10-31",
 "period_amount": "100.00", "billing_cycle": "monthly", "contract_status": "active"}
--- 201 partial
{"id": "{{susp_id=uuid}}"}

=== suspended: January to March billed
POST /api/v1/billing_records/import
Content-Type: text/csv

billing_number,billing_date,billing_amount,contract_number
PA-{{run_id}}-1,2025-01-01,100.00,CR-{{run_id}}-8
PA-{{run_id}}-2,2025-02-01,100.00,CR-{{run_id}}-8
PA-{{run_id}}-3,2025-03-01,100.00,CR-{{run_id}}-8
--- 201 partial
{"imported": 3}

=== suspended: then suspended
PATCH /api/v1/contracts/{{susp_id}}

{"contract_status": "suspended"}
--- 200 partial
{"contract_status": "suspended", "version": 2}

=== suspended: no period is missing while it is suspended
GET /api/v1/alerts?contract_id={{susp_id}}&alert_type=missing_period&is_resolved=false
--- 200
{"data": [], "next_cursor": null}

=== suspended: the daily job runs
POST /api/v1/reconciliation/daily
--- 200 partial
{"stats": {}}

=== the daily job does not expire a suspended contract
GET /api/v1/contracts/{{susp_id}}
--- 200 partial
{"contract_status": "suspended", "version": 2}

=== suspended: and its suspension raised no missing period
GET /api/v1/alerts?contract_id={{susp_id}}&alert_type=missing_period&is_resolved=false
--- 200
{"data": [], "next_cursor": null}

# ---- a record a person unlinked stays unlinked through later edits (QA d04) ----

=== unlinked: a contract of Delta
POST /api/v1/contracts

{"contract_number": "CR-{{run_id}}-4", "contract_name": "Delta works", "party_type": "contractor",
 "contractor_name": "Delta {{run_id}}", "contract_start_date": "2026-01-01", "contract_end_date": "2026-12-31",
 "period_amount": "100.00", "billing_cycle": "monthly"}
--- 201 partial
{"id": "{{delta_id=uuid}}"}

=== unlinked: Delta's bill is linked by party and period
POST /api/v1/billing_records

{"contractor_name": "Delta {{run_id}}", "billing_number": "DL/{{run_id}}/1", "billing_date": "2026-04-15",
 "billing_amount": "100.00"}
--- 201 partial
{"id": "{{delta_bill=uuid}}", "contract_id": "{{delta_id}}", "link_status": "linked", "link_method": "party_period"}

=== unlinked: a person unlinks it
PATCH /api/v1/billing_records/{{delta_bill}}

{"contract_id": null}
--- 200 partial
{"contract_id": null, "link_status": "unlinked", "link_method": "manual"}

=== a record a person unlinked is not linked again by a later edit
PATCH /api/v1/billing_records/{{delta_bill}}

{"billing_description": "April services", "billing_amount": "90.00"}
--- 200 partial
{"contract_id": null, "link_status": "unlinked", "link_method": "manual", "billing_description": "April services"}

=== unlinked: it is still unlinked when read again
GET /api/v1/billing_records/{{delta_bill}}
--- 200 partial
{"contract_id": null, "link_status": "unlinked", "link_method": "manual", "billing_amount": "90.00"}

=== unlinked: quoting a contract number is a person linking it
PATCH /api/v1/billing_records/{{delta_bill}}

{"contract_number": "CR-{{run_id}}-4"}
--- 200 partial
{"contract_id": "{{delta_id}}", "link_status": "linked", "link_method": "contract_number"}
