# invoices.t — GST invoices: the seller's profile, customers' GSTINs, drafts with lines, totals
# computed by the server, CGST+SGST vs IGST, finalization with a gapless number, the status
# machine, due-date defaults, exchange rates, tax rates in force on the invoice date.
@header X-Remit-Test-Ip: 10.4.1.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Invoices {{run_id}}", "email": "owner@invoices-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== finalizing needs a company profile: the seller
POST /api/v1/customers

{"name": "Early Bird", "code": "EARLY"}
--- 201 partial
{"id": "{{early_id=uuid}}"}

=== a draft without a seller can be made
POST /api/v1/invoices

{"customer_id": "{{early_id}}", "invoice_date": "2030-05-01", "lines": [{"description": "Setup", "rate": "100"}]}
--- 201 partial
{"id": "{{early_inv=uuid}}", "status": "draft", "supply_type": "non_gst", "total": "100.00"}

=== but not finalized
POST /api/v1/invoices/{{early_inv}}/finalize
--- 409
{"error": {"code": "conflict", "message": "the tenant has no company profile: a tax document must name its seller",
           "hint": "create it with POST /api/v1/company_profiles"}}

=== company profile GSTIN is validated
POST /api/v1/company_profiles

{"name": "Acme Consulting Pvt Ltd", "gst_number": "27AAPFU0939F1ZW"}
--- 422
{"error": {"code": "invalid", "field": "gst_number",
           "message": "gst_number has a wrong check character: W instead of V"}}

=== company profile PAN must be the one inside the GSTIN
POST /api/v1/company_profiles

{"name": "Acme Consulting Pvt Ltd", "gst_number": "27AAPFU0939F1ZV", "pan_number": "ABCPE1234F"}
--- 422
{"error": {"code": "invalid", "field": "pan_number",
           "message": "pan_number ABCPE1234F is not the PAN inside gst_number 27AAPFU0939F1ZV"}}

=== company profile takes its PAN and state code from the GSTIN
POST /api/v1/company_profiles

{"name": "Acme Consulting Pvt Ltd", "address": "12 MG Road, Pune 411001", "gst_number": "27aapfu0939f1zv",
 "bank_name": "HDFC Bank", "bank_account_number": "50100012345678", "bank_ifsc": "HDFC0000123",
 "invoice_terms": "Payment within the due date. Interest at 18% p.a. on late payment."}
--- 201 partial
{"id": "{{profile_id=uuid}}", "gst_number": "27AAPFU0939F1ZV", "pan_number": "AAPFU0939F", "state_code": "27",
 "currency": "INR", "country": "IN"}

=== one company profile per tenant
POST /api/v1/company_profiles

{"name": "Second"}
--- 409
{"error": {"code": "conflict", "message": "the tenant already has a company profile",
           "hint": "read it with GET /api/v1/company_profiles and change it with PATCH"}}

=== customer GSTIN is validated: state code
POST /api/v1/customers

{"name": "Bad State", "gst_number": "99AAGCB7383J1Z4"}
--- 422
{"error": {"code": "invalid", "field": "gst_number", "message": "gst_number starts with 99, which is not a GST state code"}}

=== customer PAN is validated
POST /api/v1/customers

{"name": "Bad PAN", "pan_number": "AAGCB7383"}
--- 422
{"error": {"code": "invalid", "field": "pan_number", "message": "pan_number must be 10 characters such as AAPFU0939F"}}

=== customer state code must agree with its GSTIN
POST /api/v1/customers

{"name": "Confused", "gst_number": "29AAGCB7383J1Z4", "state_code": "27"}
--- 422
{"error": {"code": "invalid", "field": "state_code",
           "message": "state_code 27 disagrees with gst_number, which is registered in state 29"}}

=== a B2B customer in another state (Karnataka)
POST /api/v1/customers

{"name": "Bengaluru Buyer Pvt Ltd", "code": "BLR", "gst_number": "29AAGCB7383J1Z4",
 "address": "1 Residency Road, Bengaluru 560025"}
--- 201 partial
{"id": "{{blr_id=uuid}}", "gst_number": "29AAGCB7383J1Z4", "pan_number": "AAGCB7383J", "state_code": "29",
 "payment_terms": 30}

=== a B2B customer in the seller's state (Maharashtra)
POST /api/v1/customers

{"name": "Mumbai Buyer", "code": "BOM", "gst_number": "27AAACH7409R1Z1", "address": "Nariman Point, Mumbai"}
--- 201 partial
{"id": "{{bom_id=uuid}}", "state_code": "27"}

=== a B2C customer has no GSTIN
POST /api/v1/customers

{"name": "Walk-in Customer", "code": "B2C", "state_code": "27"}
--- 201 partial
{"id": "{{b2c_id=uuid}}", "gst_number": null, "pan_number": null, "state_code": "27"}

=== 18% on 1000.00 intra-state is CGST 90.00 + SGST 90.00
POST /api/v1/invoices

{"customer_id": "{{bom_id}}", "invoice_date": "2030-05-10",
 "lines": [{"description": "Consulting, May", "quantity": "1", "rate": "1000", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{intra_id=uuid}}", "status": "draft", "invoice_number": null, "place_of_supply": "27",
 "supply_type": "intra_state", "customer_gst": "27AAACH7409R1Z1", "currency": "INR", "exchange_rate": "1",
 "subtotal": "1000.00", "cgst_total": "90.00", "sgst_total": "90.00", "igst_total": "0.00",
 "tax_total": "180.00", "total": "1180.00", "due_date": "2030-06-09",
 "tax_details": [{"kind": "CGST", "rate": "9", "taxable": "1000.00", "amount": "90.00"},
                 {"kind": "SGST", "rate": "9", "taxable": "1000.00", "amount": "90.00"}],
 "lines": [{"description": "Consulting, May", "amount": "1000.00", "tax_rate": "18", "tax_rate_source": "line",
            "cgst_amount": "90.00", "sgst_amount": "90.00", "igst_amount": "0.00", "tax_amount": "180.00",
            "total": "1180.00", "sort_order": 1}]}

=== 18% on 1000.00 inter-state is IGST 180.00
POST /api/v1/invoices

{"customer_id": "{{blr_id}}", "invoice_date": "2030-05-10",
 "lines": [{"description": "Consulting, May", "rate": "1000", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{inter_id=uuid}}", "place_of_supply": "29", "supply_type": "inter_state",
 "subtotal": "1000.00", "cgst_total": "0.00", "sgst_total": "0.00", "igst_total": "180.00",
 "tax_total": "180.00", "total": "1180.00",
 "tax_details": [{"kind": "IGST", "rate": "18", "taxable": "1000.00", "amount": "180.00"}]}

=== 3 x 33.33 at 18% is 99.99 + 18.00 = 117.99
POST /api/v1/invoices

{"customer_id": "{{blr_id}}", "invoice_date": "2030-05-10",
 "lines": [{"description": "Licences", "quantity": "3", "rate": "33.33", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{small_id=uuid}}", "subtotal": "99.99", "tax_total": "18.00", "total": "117.99",
 "lines": [{"quantity": "3", "rate": "33.33", "amount": "99.99", "tax_amount": "18.00", "total": "117.99"}]}

=== tax is shown per rate and kind
POST /api/v1/invoices

{"customer_id": "{{bom_id}}", "invoice_date": "2030-05-10",
 "lines": [{"description": "Software", "rate": "500", "tax_rate": "18"},
           {"description": "Books", "quantity": "2", "rate": "250", "tax_rate": "5"},
           {"description": "Training", "rate": "1000", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{mixed_id=uuid}}", "subtotal": "2000.00", "cgst_total": "147.50", "sgst_total": "147.50",
 "tax_total": "295.00", "total": "2295.00",
 "tax_details": [{"kind": "CGST", "rate": "2.5", "taxable": "500.00", "amount": "12.50"},
                 {"kind": "SGST", "rate": "2.5", "taxable": "500.00", "amount": "12.50"},
                 {"kind": "CGST", "rate": "9", "taxable": "1500.00", "amount": "135.00"},
                 {"kind": "SGST", "rate": "9", "taxable": "1500.00", "amount": "135.00"}]}

=== a total sent by the client is refused
POST /api/v1/invoices

{"customer_id": "{{bom_id}}", "total": "1.00", "lines": [{"description": "X", "rate": "1"}]}
--- 422
{"error": {"code": "read_only_field", "field": "total", "message": "total is computed by the server and cannot be set"}}

=== a line amount sent by the client is refused, naming the line
POST /api/v1/invoices

{"customer_id": "{{bom_id}}", "lines": [{"description": "X", "rate": "1"}, {"description": "Y", "rate": "2", "amount": "2.00"}]}
--- 422
{"error": {"code": "read_only_field", "field": "lines[1].amount",
           "message": "lines[1]: amount is computed by the server and cannot be set"}}

=== a line tax amount sent by the client is refused
POST /api/v1/invoices

{"customer_id": "{{bom_id}}", "lines": [{"description": "X", "rate": "1", "tax_amount": "0.18"}]}
--- 422
{"error": {"code": "read_only_field", "field": "lines[0].tax_amount",
           "message": "lines[0]: tax_amount is computed by the server and cannot be set"}}

=== a line needs a rate
POST /api/v1/invoices

{"customer_id": "{{bom_id}}", "lines": [{"description": "X"}]}
--- 422
{"error": {"code": "required", "field": "lines[0].rate",
           "message": "lines[0]: rate is required (or a service_id with a default rate)"}}

=== a rate with more decimals than allowed is refused, not rounded
POST /api/v1/invoices

{"customer_id": "{{bom_id}}", "lines": [{"description": "X", "rate": "1.0000001"}]}
--- 422
{"error": {"code": "too_precise", "field": "lines[0].rate", "message": "{{*}}"}}

=== nothing of a refused invoice was written
GET /api/v1/invoices?customer_id={{bom_id}}&status=draft
--- 200 partial
{"data": [{"id": "{{mixed_id}}"}, {"id": "{{intra_id}}"}], "next_cursor": null}

=== a B2C invoice in the seller's state is intra-state
POST /api/v1/invoices

{"customer_id": "{{b2c_id}}", "invoice_date": "2030-05-10", "lines": [{"description": "Repair", "rate": "200", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{b2c_inv=uuid}}", "customer_gst": null, "place_of_supply": "27", "supply_type": "intra_state",
 "cgst_total": "18.00", "sgst_total": "18.00", "total": "236.00"}

=== finalize assigns the first number of the financial year
POST /api/v1/invoices/{{intra_id}}/finalize
--- 200 partial
{"id": "{{intra_id}}", "status": "pending", "invoice_number": "INV/2030-31/0001", "financial_year": "2030-31",
 "sequence_number": 1, "balance_due": "1180.00", "seller_name": "Acme Consulting Pvt Ltd",
 "seller_gstin": "27AAPFU0939F1ZV", "seller_state_code": "27", "billing_name": "Mumbai Buyer",
 "billing_address": "Nariman Point, Mumbai", "billing_state_code": "27", "finalized_at": "{{timestamp}}",
 "terms_and_conditions": "Payment within the due date. Interest at 18% p.a. on late payment."}

=== finalizing twice is refused
POST /api/v1/invoices/{{intra_id}}/finalize
--- 409
{"error": {"code": "invalid_state", "message": "only a draft can be finalized; this invoice is pending (INV/2030-31/0001)"}}

=== the next finalization takes the next number
POST /api/v1/invoices/{{inter_id}}/finalize
--- 200 partial
{"invoice_number": "INV/2030-31/0002", "sequence_number": 2, "status": "pending"}

=== a finalized invoice cannot be edited
PATCH /api/v1/invoices/{{intra_id}}

{"notes": "changed"}
--- 409
{"error": {"code": "invalid_state", "message": "only draft invoices can be changed; this one is pending",
           "hint": "correct a finalized invoice with a credit note"}}

=== the lines of a finalized invoice cannot be edited
POST /api/v1/invoices/{{intra_id}}/line_items

{"description": "Extra", "rate": "10"}
--- 409
{"error": {"code": "invalid_state", "message": "lines can only change while the invoice is a draft; it is pending"}}

=== a finalized invoice cannot be deleted
DELETE /api/v1/invoices/{{intra_id}}
--- 409
{"error": {"code": "invalid_state", "message": "only draft invoices can be deleted; this one is pending",
           "hint": "cancel it with POST /api/v1/invoices/{id}/cancel; its number stays used"}}

=== cancel needs a reason
POST /api/v1/invoices/{{inter_id}}/cancel

{}
--- 422
{"error": {"code": "required", "field": "reason", "message": "reason is required: say why"}}

=== cancel with a reason: the number stays used
POST /api/v1/invoices/{{inter_id}}/cancel

{"reason": "raised against the wrong purchase order"}
--- 200 partial
{"status": "cancelled", "invoice_number": "INV/2030-31/0002", "cancellation_reason": "raised against the wrong purchase order",
 "balance_due": "0.00", "cancelled_at": "{{timestamp}}"}

=== a cancelled invoice stays cancelled
POST /api/v1/invoices/{{inter_id}}/cancel

{"reason": "again"}
--- 409
{"error": {"code": "invalid_state", "message": "the invoice is already cancelled"}}

=== after a cancellation the next number is 3, not 2 again
POST /api/v1/invoices/{{small_id}}/finalize
--- 200 partial
{"invoice_number": "INV/2030-31/0003"}

=== a draft can be edited: its lines are replaced and totals recomputed
PATCH /api/v1/invoices/{{mixed_id}}

{"reference_number": "PO-77", "lines": [{"description": "Software", "rate": "500", "tax_rate": "18"}]}
--- 200 partial
{"reference_number": "PO-77", "subtotal": "500.00", "tax_total": "90.00", "total": "590.00", "version": 2,
 "lines": [{"description": "Software", "sort_order": 1}]}

=== adding a line to a draft recomputes its totals
POST /api/v1/invoices/{{mixed_id}}/line_items

{"description": "Support", "quantity": "2", "rate": "250", "tax_rate": "18", "sort_order": 2}
--- 201 partial
{"id": "{{support_line=uuid}}", "invoice_id": "{{mixed_id}}", "amount": "500.00", "cgst_amount": "45.00",
 "sgst_amount": "45.00", "tax_amount": "90.00", "total": "590.00", "currency": "INR"}

=== the draft's totals now include the new line
GET /api/v1/invoices/{{mixed_id}}
--- 200 partial
{"subtotal": "1000.00", "tax_total": "180.00", "total": "1180.00", "version": 3}

=== changing a line's quantity recomputes the draft
PATCH /api/v1/invoices/{{mixed_id}}/line_items/{{support_line}}

{"quantity": "4"}
--- 200 partial
{"amount": "1000.00", "total": "1180.00"}

=== the draft follows
GET /api/v1/invoices/{{mixed_id}}
--- 200 partial
{"subtotal": "1500.00", "tax_total": "270.00", "total": "1770.00"}

=== deleting a line recomputes the draft
DELETE /api/v1/invoices/{{mixed_id}}/line_items/{{support_line}}
--- 204 empty

=== the draft is back to one line
GET /api/v1/invoices/{{mixed_id}}
--- 200 partial
{"subtotal": "500.00", "total": "590.00", "lines": [{"description": "Software"}]}

=== moving a draft to another state's customer turns CGST+SGST into IGST
PATCH /api/v1/invoices/{{mixed_id}}

{"customer_id": "{{blr_id}}"}
--- 200 partial
{"place_of_supply": "29", "supply_type": "inter_state", "customer_gst": "29AAGCB7383J1Z4", "cgst_total": "0.00",
 "igst_total": "90.00", "total": "590.00", "lines": [{"igst_amount": "90.00", "cgst_amount": "0.00"}]}

=== a draft can be deleted, lines and all
DELETE /api/v1/invoices/{{mixed_id}}
--- 204 empty

=== and is gone
GET /api/v1/invoices/{{mixed_id}}
--- 404
{"error": {"code": "not_found", "message": "no such invoices"}}

=== an invoice needs lines to be finalized
POST /api/v1/invoices

{"customer_id": "{{bom_id}}"}
--- 201 partial
{"id": "{{empty_id=uuid}}", "total": "0.00", "lines": []}

=== so finalizing an empty draft is refused
POST /api/v1/invoices/{{empty_id}}/finalize
--- 422
{"error": {"code": "invalid", "field": "lines", "message": "an invoice needs at least one line to be finalized"}}

# ---- due dates: client type -> customer -> invoice

=== a client type with 45-day terms
POST /api/v1/client_types

{"code": "VIP", "name": "Very important", "payment_terms": 45}
--- 201 partial
{"id": "{{vip_id=uuid}}", "payment_terms": 45, "is_active": true}

=== a new customer of the type takes its terms
POST /api/v1/customers

{"name": "VIP Client", "code": "VIP1", "client_type_id": "{{vip_id}}", "state_code": "27"}
--- 201 partial
{"id": "{{vip_cust=uuid}}", "payment_terms": 45, "client_type_id": "{{vip_id}}"}

=== a customer's own terms win over its type's
POST /api/v1/customers

{"name": "VIP Client Two", "code": "VIP2", "client_type_id": "{{vip_id}}", "payment_terms": 15, "state_code": "27"}
--- 201 partial
{"id": "{{vip2_cust=uuid}}", "payment_terms": 15}

=== the due date comes from the customer's terms
POST /api/v1/invoices

{"customer_id": "{{vip_cust}}", "invoice_date": "2030-06-01", "lines": [{"description": "X", "rate": "10"}]}
--- 201 partial
{"due_date": "2030-07-16", "payment_terms_days": null}

=== the invoice's own terms win over the customer's
POST /api/v1/invoices

{"customer_id": "{{vip2_cust}}", "invoice_date": "2030-06-01", "payment_terms_days": 7, "lines": [{"description": "X", "rate": "10"}]}
--- 201 partial
{"due_date": "2030-06-08", "payment_terms_days": 7}

=== an explicit due date wins over all terms
POST /api/v1/invoices

{"customer_id": "{{vip2_cust}}", "invoice_date": "2030-06-01", "due_date": "2030-06-30", "lines": [{"description": "X", "rate": "10"}]}
--- 201 partial
{"due_date": "2030-06-30"}

=== a due date before the invoice date is refused
POST /api/v1/invoices

{"customer_id": "{{vip2_cust}}", "invoice_date": "2030-06-01", "due_date": "2030-05-31", "lines": [{"description": "X", "rate": "10"}]}
--- 422
{"error": {"code": "invalid", "field": "due_date", "message": "due_date must not be before invoice_date"}}

# ---- exchange rates

=== a US customer invoiced in USD
POST /api/v1/customers

{"name": "Boston Inc", "code": "BOS", "currency": "USD", "country": "US"}
--- 201 partial
{"id": "{{us_id=uuid}}", "currency": "USD"}

=== an invoice in another currency without a rate is refused
POST /api/v1/invoices

{"customer_id": "{{us_id}}", "invoice_date": "2030-06-01", "lines": [{"description": "Advisory", "rate": "100"}]}
--- 422
{"error": {"code": "invalid", "field": "exchange_rate",
           "message": "exchange_rate is required: no exchange rate for USD on or before 2030-06-01",
           "hint": "give exchange_rate, or add one with POST /api/v1/exchange_rates"}}

=== an exchange rate of the tenant
POST /api/v1/exchange_rates

{"currency": "USD", "rate": "83.125", "effective_date": "2030-05-01", "source": "RBI reference rate"}
--- 201 partial
{"base_currency": "INR", "rate": "83.125"}

=== a later rate
POST /api/v1/exchange_rates

{"currency": "USD", "rate": "84.5", "effective_date": "2030-07-01"}
--- 201 partial
{"rate": "84.5"}

=== the base currency has no exchange rate
POST /api/v1/exchange_rates

{"currency": "INR", "rate": "1", "effective_date": "2030-07-01"}
--- 422
{"error": {"code": "invalid", "field": "currency", "message": "INR is the base currency: its rate is always 1"}}

=== the invoice stores the rate in force on its date; exports are IGST (place of supply 96)
POST /api/v1/invoices

{"customer_id": "{{us_id}}", "invoice_date": "2030-06-01", "lines": [{"description": "Advisory", "rate": "100", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{usd_inv=uuid}}", "currency": "USD", "base_currency": "INR", "exchange_rate": "83.125",
 "place_of_supply": "96", "supply_type": "inter_state", "total": "118.00", "igst_total": "18.00"}

=== an exchange rate given on the invoice is kept
POST /api/v1/invoices

{"customer_id": "{{us_id}}", "invoice_date": "2030-07-15", "exchange_rate": "84.1", "lines": [{"description": "Advisory", "rate": "100"}]}
--- 201 partial
{"exchange_rate": "84.1"}

=== a rate given for the base currency must be 1
POST /api/v1/invoices

{"customer_id": "{{bom_id}}", "exchange_rate": "2", "lines": [{"description": "Advisory", "rate": "100"}]}
--- 422
{"error": {"code": "invalid", "field": "exchange_rate", "message": "exchange_rate must be 1 for the base currency INR"}}

# ---- tax rates in force on the invoice date, with history

=== a tax rate for a category
POST /api/v1/tax_rates

{"category": "software", "name": "GST 12%", "rate": "12", "effective_from": "2030-04-01"}
--- 201 partial
{"id": "{{rate12=uuid}}", "effective_to": null}

=== a new rate from a later date closes the open one
POST /api/v1/tax_rates

{"category": "software", "name": "GST 18%", "rate": "18", "effective_from": "2030-07-01"}
--- 201 partial
{"id": "{{rate18=uuid}}", "effective_from": "2030-07-01", "effective_to": null}

=== the old rate is kept, closed the day before
GET /api/v1/tax_rates/{{rate12}}
--- 200 partial
{"rate": "12", "effective_from": "2030-04-01", "effective_to": "2030-06-30", "version": 2}

=== overlapping rates of one category are refused
POST /api/v1/tax_rates

{"category": "software", "rate": "5", "effective_from": "2030-05-01", "effective_to": "2030-05-31"}
--- 422
{"error": {"code": "invalid", "field": "effective_from",
           "message": "the rate overlaps the software rate of software in force from 2030-04-01 to 2030-06-30"}}

=== a tax rate over 100% is refused
POST /api/v1/tax_rates

{"category": "odd", "rate": "101", "effective_from": "2030-05-01"}
--- 422
{"error": {"code": "out_of_range", "field": "rate", "message": "rate must be between 0 and 100"}}

=== a service in the category
POST /api/v1/services

{"code": "SW", "name": "Software licence", "service_type": "fixed", "default_rate": "1000", "unit_of_measure": "seat",
 "tax_category": "software", "sac_code": "997331"}
--- 201 partial
{"id": "{{sw_id=uuid}}", "service_type": "fixed", "default_rate": "1000"}

=== a line of the service takes the rate in force on the invoice date (June: 12%)
POST /api/v1/invoices

{"customer_id": "{{blr_id}}", "invoice_date": "2030-06-15", "lines": [{"service_id": "{{sw_id}}", "quantity": "2"}]}
--- 201 partial
{"id": "{{june_inv=uuid}}", "total": "2240.00",
 "lines": [{"description": "Software licence", "sac_code": "997331", "unit": "seat", "rate": "1000",
            "tax_rate": "12", "tax_category": "software", "tax_rate_id": "{{rate12}}", "tax_rate_source": "tax_rate",
            "amount": "2000.00", "igst_amount": "240.00"}]}

=== in July the same service is taxed at 18%
POST /api/v1/invoices

{"customer_id": "{{blr_id}}", "invoice_date": "2030-07-15", "lines": [{"service_id": "{{sw_id}}", "quantity": "2"}]}
--- 201 partial
{"total": "2360.00", "lines": [{"tax_rate": "18", "tax_rate_id": "{{rate18}}"}]}

=== moving a draft's date moves its line to the rate then in force
PATCH /api/v1/invoices/{{june_inv}}

{"invoice_date": "2030-07-02"}
--- 200 partial
{"total": "2360.00", "due_date": "2030-08-01", "lines": [{"tax_rate": "18", "tax_rate_id": "{{rate18}}"}]}

=== back to June
PATCH /api/v1/invoices/{{june_inv}}

{"invoice_date": "2030-06-15"}
--- 200 partial
{"total": "2240.00", "lines": [{"tax_rate": "12"}]}

=== a category without a rate in force is refused, naming the line
POST /api/v1/invoices

{"customer_id": "{{blr_id}}", "invoice_date": "2030-03-01", "lines": [{"service_id": "{{sw_id}}"}]}
--- 422
{"error": {"code": "invalid", "field": "lines[0].tax_category",
           "message": "lines[0]: no tax rate of category software is in force on 2030-03-01",
           "hint": "add one with POST /api/v1/tax_rates, or give tax_rate on the line"}}

=== finalize the June invoice: the 12% rate is now history
POST /api/v1/invoices/{{june_inv}}/finalize
--- 200 partial
{"invoice_number": "INV/2030-31/0004", "total": "2240.00"}

=== a rate used on an issued invoice cannot change
PATCH /api/v1/tax_rates/{{rate12}}

{"rate": "10"}
--- 409
{"error": {"code": "invalid_state", "field": "rate",
           "message": "this tax rate was used on issued documents (last on 2030-06-15): its rate cannot change",
           "hint": "close it with effective_to and add a new rate from the day the change applies"}}

=== nor be deleted
DELETE /api/v1/tax_rates/{{rate12}}
--- 409
{"error": {"code": "invalid_state",
           "message": "this tax rate was used on issued documents (last on 2030-06-15): it is kept as history",
           "hint": "close it with effective_to instead"}}

# ---- number series

=== a series longer than GST's 16 characters is refused
POST /api/v1/number_series

{"document_type": "invoice", "pattern": "INV/{fy}/{seq:5}"}
--- 422
{"error": {"code": "invalid", "field": "pattern",
           "message": "pattern makes numbers like INV/2026-27/00001 (17 characters); GST allows at most 16"}}

=== a shorter series for invoices
POST /api/v1/number_series

{"document_type": "invoice", "pattern": "AC/{fy_short}/{seq:5}"}
--- 201 partial
{"pattern": "AC/{fy_short}/{seq:5}", "starting_number": 1}

=== the series continues the year's counter in its new form
POST /api/v1/invoices/{{b2c_inv}}/finalize
--- 200 partial
{"invoice_number": "AC/30-31/00005", "sequence_number": 5}

# ---- the PDF

=== the invoice as a PDF
GET /api/v1/invoices/{{intra_id}}/pdf
--- 200 bytes
Content-Type: application/pdf
Content-Disposition: attachment; filename="INV-2030-31-0001.pdf"

=== the PDF of another tenant's id is a 404
GET /api/v1/invoices/01a00000-0000-7000-8000-000000000000/pdf
--- 404
{"error": {"code": "not_found", "message": "no such invoices"}}
