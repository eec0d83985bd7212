# receipts.t — money received: receipt numbers, methods and statuses, allocations across
# invoices (never more than the receipt, never more than a balance), customer credit,
# bounced and cancelled receipts releasing their allocations, the receipt PDF.
@header X-Remit-Test-Ip: 10.4.2.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Receipts {{run_id}}", "email": "owner@receipts-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller
POST /api/v1/company_profiles

{"name": "Acme Consulting Pvt Ltd", "gst_number": "27AAPFU0939F1ZV", "address": "Pune"}
--- 201 partial
{"state_code": "27"}

=== a customer
POST /api/v1/customers

{"name": "Bengaluru Buyer Pvt Ltd", "code": "BLR", "gst_number": "29AAGCB7383J1Z4"}
--- 201 partial
{"id": "{{cust=uuid}}"}

=== another customer
POST /api/v1/customers

{"name": "Other Buyer", "code": "OTH", "state_code": "27"}
--- 201 partial
{"id": "{{other=uuid}}"}

=== invoice A: 1180.00
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2030-05-01", "due_date": "2030-06-30",
 "lines": [{"description": "May retainer", "rate": "1000", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{inv_a=uuid}}", "total": "1180.00"}

=== invoice A is finalized
POST /api/v1/invoices/{{inv_a}}/finalize
--- 200 partial
{"invoice_number": "INV/2030-31/0001", "status": "pending", "balance_due": "1180.00"}

=== invoice B: 590.00
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2030-05-15", "due_date": "2030-07-15",
 "lines": [{"description": "Extra work", "rate": "500", "tax_rate": "18"}]}
--- 201 partial
{"id": "{{inv_b=uuid}}", "total": "590.00"}

=== invoice B is finalized
POST /api/v1/invoices/{{inv_b}}/finalize
--- 200 partial
{"invoice_number": "INV/2030-31/0002"}

=== a draft invoice C
POST /api/v1/invoices

{"customer_id": "{{cust}}", "invoice_date": "2030-05-20", "lines": [{"description": "Draft", "rate": "100"}]}
--- 201 partial
{"id": "{{inv_c=uuid}}", "status": "draft"}

=== the other customer's invoice
POST /api/v1/invoices

{"customer_id": "{{other}}", "invoice_date": "2030-05-01", "due_date": "2030-06-30", "lines": [{"description": "X", "rate": "100"}]}
--- 201 partial
{"id": "{{inv_o=uuid}}"}

=== which is finalized
POST /api/v1/invoices/{{inv_o}}/finalize
--- 200 partial
{"invoice_number": "INV/2030-31/0003"}

=== a receipt is numbered on creation and starts pending
POST /api/v1/receipts

{"customer_id": "{{cust}}", "receipt_date": "2030-05-20", "amount": "1500", "payment_method": "cheque",
 "cheque_number": "004512", "bank_name": "SBI"}
--- 201 partial
{"id": "{{r1=uuid}}", "receipt_number": "RCT/2030-31/0001", "status": "pending", "currency": "INR",
 "amount": "1500.00", "allocated_amount": "0.00", "unallocated_amount": "1500.00", "exchange_rate": "1",
 "financial_year": "2030-31", "sequence_number": 1}

=== a receipt of zero is refused
POST /api/v1/receipts

{"customer_id": "{{cust}}", "amount": "0"}
--- 422
{"error": {"code": "out_of_range", "field": "amount", "message": "amount must be greater than 0"}}

=== a receipt's method is one of the known ones
POST /api/v1/receipts

{"customer_id": "{{cust}}", "amount": "10", "payment_method": "bitcoin"}
--- 422
{"error": {"code": "invalid", "field": "payment_method",
           "message": "payment_method must be one of: bank_transfer, cheque, cash, upi, card, other"}}

=== a new receipt cannot start bounced
POST /api/v1/receipts

{"customer_id": "{{cust}}", "amount": "10", "status": "bounced"}
--- 422
{"error": {"code": "invalid", "field": "status", "message": "a new receipt is pending or cleared"}}

=== allocate 1000.00 of the receipt to invoice A
POST /api/v1/receipt_allocations

{"receipt_id": "{{r1}}", "invoice_id": "{{inv_a}}", "allocated_amount": "1000"}
--- 201 partial
{"id": "{{alloc_a=uuid}}", "allocated_amount": "1000.00", "currency": "INR", "status": "active",
 "allocation_date": "{{date}}"}

=== invoice A is partially paid
GET /api/v1/invoices/{{inv_a}}
--- 200 partial
{"status": "partially_paid", "paid_amount": "1000.00", "balance_due": "180.00", "last_payment_date": "2030-05-20"}

=== the receipt shows what is allocated and what is left
GET /api/v1/receipts/{{r1}}
--- 200 partial
{"allocated_amount": "1000.00", "unallocated_amount": "500.00"}

=== an allocation above the invoice's balance is refused
POST /api/v1/receipt_allocations

{"receipt_id": "{{r1}}", "invoice_id": "{{inv_a}}", "allocated_amount": "180.01"}
--- 422
{"error": {"code": "invalid", "field": "allocated_amount",
           "message": "allocated_amount exceeds the invoice's balance due of 180.00"}}

=== an allocation above the receipt's unallocated money is refused
POST /api/v1/receipt_allocations

{"receipt_id": "{{r1}}", "invoice_id": "{{inv_b}}", "allocated_amount": "590"}
--- 422
{"error": {"code": "invalid", "field": "allocated_amount",
           "message": "allocated_amount exceeds the receipt's unallocated amount of 500.00"}}

=== money cannot go to a draft
POST /api/v1/receipt_allocations

{"receipt_id": "{{r1}}", "invoice_id": "{{inv_c}}", "allocated_amount": "10"}
--- 409
{"error": {"code": "invalid_state", "field": "invoice_id",
           "message": "the invoice is draft: money can only be allocated to a finalized invoice that is not paid or cancelled"}}

=== money cannot go to another customer's invoice
POST /api/v1/receipt_allocations

{"receipt_id": "{{r1}}", "invoice_id": "{{inv_o}}", "allocated_amount": "10"}
--- 422
{"error": {"code": "invalid", "field": "invoice_id", "message": "the invoice belongs to another customer than the receipt"}}

=== an allocation of zero is refused
POST /api/v1/receipt_allocations

{"receipt_id": "{{r1}}", "invoice_id": "{{inv_a}}", "allocated_amount": "0"}
--- 422
{"error": {"code": "out_of_range", "field": "allocated_amount", "message": "allocated_amount must be greater than 0"}}

=== allocations cannot be edited, only deleted
PATCH /api/v1/receipt_allocations/{{alloc_a}}

{"notes": "x"}
--- 405
{"error": {"code": "method_not_allowed", "message": "PATCH is not allowed here"}}

=== the rest of the receipt pays invoice A off and part of B
POST /api/v1/receipt_allocations

{"receipt_id": "{{r1}}", "invoice_id": "{{inv_a}}", "allocated_amount": "180"}
--- 201 partial
{"id": "{{alloc_a2=uuid}}", "allocated_amount": "180.00"}

=== invoice A is paid
GET /api/v1/invoices/{{inv_a}}
--- 200 partial
{"status": "paid", "paid_amount": "1180.00", "balance_due": "0.00"}

=== a paid invoice takes no more money
POST /api/v1/receipt_allocations

{"receipt_id": "{{r1}}", "invoice_id": "{{inv_a}}", "allocated_amount": "1"}
--- 409
{"error": {"code": "invalid_state", "field": "invoice_id",
           "message": "the invoice is paid: money can only be allocated to a finalized invoice that is not paid or cancelled"}}

=== a paid invoice cannot be cancelled
POST /api/v1/invoices/{{inv_a}}/cancel

{"reason": "no"}
--- 409
{"error": {"code": "invalid_state", "message": "the invoice has payments or credits applied; it cannot be cancelled",
           "hint": "delete its receipt allocations and credit note applications first, or issue a credit note"}}

=== what is left of the receipt is the customer's credit, allocated later to B
POST /api/v1/receipt_allocations

{"receipt_id": "{{r1}}", "invoice_id": "{{inv_b}}", "allocated_amount": "320"}
--- 201 partial
{"allocated_amount": "320.00"}

=== the receipt is fully allocated
GET /api/v1/receipts/{{r1}}
--- 200 partial
{"allocated_amount": "1500.00", "unallocated_amount": "0.00", "status": "pending"}

=== invoice B is partially paid
GET /api/v1/invoices/{{inv_b}}
--- 200 partial
{"status": "partially_paid", "paid_amount": "320.00", "balance_due": "270.00"}

=== deleting an allocation gives the money back to the receipt
DELETE /api/v1/receipt_allocations/{{alloc_a2}}
--- 204 empty

=== invoice A owes 180.00 again
GET /api/v1/invoices/{{inv_a}}
--- 200 partial
{"status": "partially_paid", "paid_amount": "1000.00", "balance_due": "180.00"}

=== and the receipt has 180.00 unallocated
GET /api/v1/receipts/{{r1}}
--- 200 partial
{"allocated_amount": "1320.00", "unallocated_amount": "180.00"}

=== a receipt's amount cannot drop below what is allocated
PATCH /api/v1/receipts/{{r1}}

{"amount": "1000"}
--- 422
{"error": {"code": "invalid", "field": "amount", "message": "amount cannot be less than the 1320.00 already allocated"}}

=== a receipt's status only changes through its actions
PATCH /api/v1/receipts/{{r1}}

{"status": "cleared"}
--- 422
{"error": {"code": "read_only_field", "field": "status", "message": "status cannot be changed after creation"}}

=== a pending receipt is cleared
POST /api/v1/receipts/{{r1}}/clear
--- 200 partial
{"status": "cleared", "cleared_at": "{{timestamp}}"}

=== clearing twice is refused
POST /api/v1/receipts/{{r1}}/clear
--- 409
{"error": {"code": "invalid_state", "message": "only a pending receipt can be cleared; this one is cleared"}}

=== bouncing needs a reason
POST /api/v1/receipts/{{r1}}/bounce

{}
--- 422
{"error": {"code": "required", "field": "reason", "message": "reason is required: say why"}}

=== the cheque bounced: its allocations are released
POST /api/v1/receipts/{{r1}}/bounce

{"reason": "insufficient funds"}
--- 200 partial
{"status": "bounced", "bounce_reason": "insufficient funds", "bounced_at": "{{timestamp}}",
 "allocated_amount": "0.00", "unallocated_amount": "0.00", "receipt_number": "RCT/2030-31/0001"}

=== invoice A is back to pending with its whole balance
GET /api/v1/invoices/{{inv_a}}
--- 200 partial
{"status": "pending", "paid_amount": "0.00", "balance_due": "1180.00"}

=== invoice B is back to pending with its whole balance
GET /api/v1/invoices/{{inv_b}}
--- 200 partial
{"status": "pending", "paid_amount": "0.00", "balance_due": "590.00"}

=== the released allocations are kept, marked released
GET /api/v1/receipt_allocations?receipt_id={{r1}}&order=allocated_amount
--- 200 partial
{"data": [{"allocated_amount": "320.00", "status": "released", "release_reason": "receipt bounced"},
          {"allocated_amount": "1000.00", "status": "released", "release_reason": "receipt bounced"}]}

=== a released allocation cannot be deleted
DELETE /api/v1/receipt_allocations/{{alloc_a}}
--- 409
{"error": {"code": "invalid_state", "message": "the allocation was released when its receipt was receipt bounced"}}

=== a bounced receipt's money cannot be allocated
POST /api/v1/receipt_allocations

{"receipt_id": "{{r1}}", "invoice_id": "{{inv_a}}", "allocated_amount": "1"}
--- 409
{"error": {"code": "invalid_state", "field": "receipt_id", "message": "the receipt is bounced: its money cannot be allocated"}}

=== a bounced receipt cannot be cancelled
POST /api/v1/receipts/{{r1}}/cancel

{"reason": "x"}
--- 409
{"error": {"code": "invalid_state", "message": "the receipt is already bounced"}}

=== the audit trail shows every step on invoice A
GET /api/v1/audit_logs?entity_id={{inv_a}}&order=created_at
--- 200 partial
{"data": [{"action": "create"}, {"action": "finalize"}, {"action": "allocate"}, {"action": "allocate"},
          {"action": "unallocate"}, {"action": "receipt_bounced", "old_values": {"paid_amount": "1000.00", "balance_due": "180.00", "status": "partially_paid"},
                                                                  "new_values": {"paid_amount": "0.00", "balance_due": "1180.00", "status": "pending"}}]}

=== a receipt paying one invoice (the payments of the other seeds) is allocated on creation
POST /api/v1/receipts

{"customer_id": "{{cust}}", "receipt_date": "2030-05-25", "amount": "2000", "payment_method": "upi",
 "reference_number": "UPI-991", "invoice_id": "{{inv_a}}"}
--- 201 partial
{"id": "{{r2=uuid}}", "receipt_number": "RCT/2030-31/0002", "allocated_amount": "1180.00",
 "unallocated_amount": "820.00", "invoice_id": "{{inv_a}}", "version": 2}

=== the rest is customer credit, allocated automatically to the oldest open invoice
POST /api/v1/receipts/{{r2}}/auto_allocate
--- 200 partial
{"allocated_amount": "1770.00", "unallocated_amount": "230.00", "allocations_made": 1}

=== invoice B is paid from the credit
GET /api/v1/invoices/{{inv_b}}
--- 200 partial
{"status": "paid", "balance_due": "0.00"}

=== a receipt can be allocated across invoices when it is created
POST /api/v1/receipts

{"customer_id": "{{other}}", "receipt_date": "2030-05-26", "amount": "100", "payment_method": "cash", "status": "cleared",
 "allocations": [{"invoice_id": "{{inv_o}}", "amount": "60"}]}
--- 201 partial
{"id": "{{r3=uuid}}", "receipt_number": "RCT/2030-31/0003", "status": "cleared", "cleared_at": "{{timestamp}}",
 "allocated_amount": "60.00", "unallocated_amount": "40.00"}

=== a bad allocation in the list refuses the whole receipt, naming it
POST /api/v1/receipts

{"customer_id": "{{other}}", "receipt_date": "2030-05-26", "amount": "100", "allocations": [{"invoice_id": "{{inv_o}}", "amount": "41"}]}
--- 422
{"error": {"code": "invalid", "field": "allocations[0].allocated_amount",
           "message": "allocated_amount exceeds the invoice's balance due of 40.00"}}

=== and took no number: the next receipt is 0004
POST /api/v1/receipts

{"customer_id": "{{other}}", "receipt_date": "2030-05-27", "amount": "40", "payment_method": "cash"}
--- 201 partial
{"id": "{{r4=uuid}}", "receipt_number": "RCT/2030-31/0004"}

=== cancelling a receipt releases its allocations too
POST /api/v1/receipts/{{r3}}/cancel

{"reason": "entered twice"}
--- 200 partial
{"status": "cancelled", "cancellation_reason": "entered twice", "allocated_amount": "0.00", "unallocated_amount": "0.00"}

=== the other invoice owes its full 100.00 again
GET /api/v1/invoices/{{inv_o}}
--- 200 partial
{"status": "pending", "balance_due": "100.00"}

=== receipts are never deleted: their numbers stay used
DELETE /api/v1/receipts/{{r4}}
--- 405
{"error": {"code": "method_not_allowed", "message": "DELETE is not allowed here"}}

=== the receipt as a PDF
GET /api/v1/receipts/{{r2}}/pdf
--- 200 bytes
Content-Type: application/pdf
Content-Disposition: attachment; filename="RCT-2030-31-0002.pdf"
