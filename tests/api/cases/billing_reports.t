# billing_reports.t — the billing reports (issue 5; the seed's "reports aggregate financial data
# accurately across multiple currencies", revenue by plan type, service category and service with
# discount and tax columns, bucket usage used vs allocated).
# Base currency INR. Asha is invoiced in INR, Bolt in USD at 83.25 INR per USD. Plan Care (fixed):
# Support 8,325.00 and Backup 4,162.50 a month, 10% off; plan Cloud (usage): Storage 2.50 per GB.
# Tax 18%. June, both customers, billed by the run of July 1:
#   Asha (INR)  Support 8325.00 - 832.50 = 7492.50 + 1348.65 | Backup 4162.50 - 416.25 = 3746.25
#               + 674.33 | Storage 100 GB 250.00 + 45.00
#   Bolt (USD)  Support 100.00 - 10.00 = 90.00 + 16.20 | Backup 50.00 - 5.00 = 45.00 + 8.10 |
#               Storage 7 GB = 17.50 INR = 0.21 USD + 0.04
# In INR, each USD amount at 83.25 rounded once: 90.00 -> 7492.50, 10.00 -> 832.50, 16.20 ->
# 1348.65, 45.00 -> 3746.25, 5.00 -> 416.25, 8.10 -> 674.325 -> 674.33, 0.21 -> 17.4825 -> 17.48,
# 0.04 -> 3.33.
@header X-Remit-Test-Ip: 10.5.5.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Reports {{run_id}}", "email": "owner@reports-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller's profile
POST /api/v1/company_profiles

{"name": "Reports MSP"}
--- 201 partial
{"id": "{{*}}"}

=== the dollar at 83.25 rupees
POST /api/v1/exchange_rates

{"currency": "USD", "rate": "83.25", "effective_date": "2030-01-01"}
--- 201 partial
{"rate": "83.25"}

=== tax at 18%
POST /api/v1/tax_rates

{"category": "standard", "rate": "18", "effective_from": "2030-01-01", "tax_type": "other"}
--- 201 partial
{"id": "{{*}}"}

=== category managed
POST /api/v1/service_categories

{"name": "Managed"}
--- 201 partial
{"id": "{{managed=uuid}}"}

=== category cloud
POST /api/v1/service_categories

{"name": "Cloud"}
--- 201 partial
{"id": "{{cloudcat=uuid}}"}

=== support
POST /api/v1/services

{"name": "Support", "service_type": "fixed", "default_rate": "8325", "category_id": "{{managed}}",
 "tax_category": "standard"}
--- 201 partial
{"id": "{{support=uuid}}"}

=== backup
POST /api/v1/services

{"name": "Backup", "service_type": "fixed", "default_rate": "4162.50", "category_id": "{{managed}}",
 "tax_category": "standard"}
--- 201 partial
{"id": "{{backup=uuid}}"}

=== storage
POST /api/v1/services

{"name": "Storage", "service_type": "usage", "default_rate": "2.50", "unit_of_measure": "GB",
 "category_id": "{{cloudcat}}", "tax_category": "standard"}
--- 201 partial
{"id": "{{storage=uuid}}"}

=== hours
POST /api/v1/services

{"name": "Hours", "service_type": "time", "default_rate": "100", "tax_category": "standard"}
--- 201 partial
{"id": "{{hours=uuid}}"}

=== plan care
POST /api/v1/billing_plans

{"plan_name": "Care", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{care=uuid}}"}

=== care holds support
POST /api/v1/billing_plans/{{care}}/services

{"service_id": "{{support}}"}
--- 201 partial
{"id": "{{*}}"}

=== care holds backup
POST /api/v1/billing_plans/{{care}}/services

{"service_id": "{{backup}}"}
--- 201 partial
{"id": "{{*}}"}

=== plan cloud
POST /api/v1/billing_plans

{"plan_name": "Cloud", "billing_frequency": "monthly", "plan_type": "usage-based"}
--- 201 partial
{"id": "{{cloud=uuid}}"}

=== cloud holds storage
POST /api/v1/billing_plans/{{cloud}}/services

{"service_id": "{{storage}}"}
--- 201 partial
{"id": "{{*}}"}

=== a retainer: 10 hours a month, 150.00 an hour over, unused hours roll over
POST /api/v1/billing_plans

{"plan_name": "Retainer", "billing_frequency": "monthly", "plan_type": "bucket"}
--- 201 partial
{"id": "{{retainer=uuid}}"}

=== the retainer covers hours
POST /api/v1/billing_plans/{{retainer}}/services

{"service_id": "{{hours}}"}
--- 201 partial
{"id": "{{*}}"}

=== the retainer's bucket
POST /api/v1/bucket_plans

{"plan_id": "{{retainer}}", "total_hours": "10", "billing_period": "monthly", "overage_rate": "150",
 "allow_rollover": true}
--- 201 partial
{"id": "{{*}}"}

=== care is 10% off
POST /api/v1/discounts

{"discount_name": "Care 10%", "discount_type": "percentage", "value": "10"}
--- 201 partial
{"id": "{{care10=uuid}}"}

=== on plan care
POST /api/v1/plan_discounts

{"discount_id": "{{care10}}", "plan_id": "{{care}}"}
--- 201 partial
{"id": "{{*}}"}

=== asha pays in rupees
POST /api/v1/customers

{"name": "Asha", "currency": "INR"}
--- 201 partial
{"id": "{{asha=uuid}}"}

=== bolt pays in dollars
POST /api/v1/customers

{"name": "Bolt", "currency": "USD"}
--- 201 partial
{"id": "{{bolt=uuid}}"}

=== cora keeps a retainer
POST /api/v1/customers

{"name": "Cora"}
--- 201 partial
{"id": "{{cora=uuid}}"}

=== dana uses her retainer up
POST /api/v1/customers

{"name": "Dana"}
--- 201 partial
{"id": "{{dana=uuid}}"}

=== asha on care
POST /api/v1/customer_billing_plans

{"customer_id": "{{asha}}", "plan_id": "{{care}}", "start_date": "2030-06-01", "end_date": "2030-06-30"}
--- 201 partial
{"id": "{{*}}"}

=== asha on cloud
POST /api/v1/customer_billing_plans

{"customer_id": "{{asha}}", "plan_id": "{{cloud}}", "start_date": "2030-06-01", "end_date": "2030-06-30"}
--- 201 partial
{"id": "{{*}}"}

=== bolt on care
POST /api/v1/customer_billing_plans

{"customer_id": "{{bolt}}", "plan_id": "{{care}}", "start_date": "2030-06-01", "end_date": "2030-06-30"}
--- 201 partial
{"id": "{{*}}"}

=== bolt on cloud
POST /api/v1/customer_billing_plans

{"customer_id": "{{bolt}}", "plan_id": "{{cloud}}", "start_date": "2030-06-01", "end_date": "2030-06-30"}
--- 201 partial
{"id": "{{*}}"}

=== cora on the retainer for june and july
POST /api/v1/customer_billing_plans

{"customer_id": "{{cora}}", "plan_id": "{{retainer}}", "start_date": "2030-06-01", "end_date": "2030-07-31"}
--- 201 partial
{"id": "{{cora_a=uuid}}"}

=== dana on the retainer for july
POST /api/v1/customer_billing_plans

{"customer_id": "{{dana}}", "plan_id": "{{retainer}}", "start_date": "2030-07-01", "end_date": "2030-07-31"}
--- 201 partial
{"id": "{{dana_a=uuid}}"}

=== asha stores 100 GB
POST /api/v1/usage_records

{"customer_id": "{{asha}}", "service_id": "{{storage}}", "usage_date": "2030-06-10", "quantity": "100"}
--- 201 partial
{"id": "{{*}}"}

=== bolt stores 7 GB
POST /api/v1/usage_records

{"customer_id": "{{bolt}}", "service_id": "{{storage}}", "usage_date": "2030-06-10", "quantity": "7"}
--- 201 partial
{"id": "{{*}}"}

=== cora works 7 hours in june
POST /api/v1/time_entries

{"customer_id": "{{cora}}", "service_id": "{{hours}}", "start_time": "2030-06-12T09:00:00Z", "duration": 420}
--- 201 partial
{"id": "{{*}}"}

=== cora works 12 hours in july
POST /api/v1/time_entries

{"customer_id": "{{cora}}", "service_id": "{{hours}}", "start_time": "2030-07-12T09:00:00Z", "duration": 720}
--- 201 partial
{"id": "{{*}}"}

=== dana works 12.5 hours in july
POST /api/v1/time_entries

{"customer_id": "{{dana}}", "service_id": "{{hours}}", "start_time": "2030-07-12T09:00:00Z", "duration": 750}
--- 201 partial
{"id": "{{*}}"}

=== the july 1 run
POST /api/v1/billing/runs

{"date": "2030-07-01"}
--- 201 partial
{"invoices_created": 2, "customers_failed": 0}

=== the august 1 run
POST /api/v1/billing/runs

{"date": "2030-08-01"}
--- 201 partial
{"invoices_created": 1, "customers_failed": 0}

=== bolt's invoice is in dollars at the stored rate
GET /api/v1/invoices?customer_id={{bolt}}
--- 200 partial
{"data": [{"currency": "USD", "exchange_rate": "83.25", "discount_total": "15.00", "subtotal": "135.21",
           "tax_total": "24.34", "total": "159.55"}]}

=== asha's invoice in rupees
GET /api/v1/invoices?customer_id={{asha}}
--- 200 partial
{"data": [{"currency": "INR", "discount_total": "1248.75", "subtotal": "11488.75", "tax_total": "2067.98",
           "total": "13556.73"}]}

# ---- revenue ----

=== reports aggregate financial data accurately across multiple currencies
GET /api/v1/reports/billing/revenue?from=2030-07-01&to=2030-07-31&group_by=plan_type
--- 200
{"from": "2030-07-01", "to": "2030-07-31", "group_by": "plan_type", "base_currency": "INR",
 "rows": [{"key": "fixed", "name": "fixed", "invoices": 2, "gross": "24975.00", "discount": "2497.50",
           "net": "22477.50", "tax": "4045.96", "total": "26523.46"},
          {"key": "usage-based", "name": "usage-based", "invoices": 2, "gross": "267.48", "discount": "0.00",
           "net": "267.48", "tax": "48.33", "total": "315.81"}],
 "totals": {"invoices": 2, "gross": "25242.48", "discount": "2497.50", "net": "22744.98", "tax": "4094.29",
            "total": "26839.27"},
 "currencies": [{"currency": "INR", "invoices": 1, "gross": "12737.50", "discount": "1248.75", "net": "11488.75",
                 "tax": "2067.98", "total": "13556.73", "gross_base": "12737.50", "discount_base": "1248.75",
                 "net_base": "11488.75", "tax_base": "2067.98", "total_base": "13556.73"},
                {"currency": "USD", "invoices": 1, "gross": "150.21", "discount": "15.00", "net": "135.21",
                 "tax": "24.34", "total": "159.55", "gross_base": "12504.98", "discount_base": "1248.75",
                 "net_base": "11256.23", "tax_base": "2026.31", "total_base": "13282.54"}]}

=== revenue by service category
GET /api/v1/reports/billing/revenue?from=2030-07-01&to=2030-07-31&group_by=service_category
--- 200 partial
{"rows": [{"key": "{{cloudcat}}", "name": "Cloud", "invoices": 2, "gross": "267.48", "discount": "0.00",
           "net": "267.48", "tax": "48.33", "total": "315.81"},
          {"key": "{{managed}}", "name": "Managed", "invoices": 2, "gross": "24975.00", "discount": "2497.50",
           "net": "22477.50", "tax": "4045.96", "total": "26523.46"}],
 "totals": {"invoices": 2, "gross": "25242.48", "net": "22744.98", "tax": "4094.29", "total": "26839.27"}}

=== revenue by service
GET /api/v1/reports/billing/revenue?from=2030-07-01&to=2030-07-31&group_by=service
--- 200 partial
{"rows": [{"key": "{{backup}}", "name": "Backup", "invoices": 2, "gross": "8325.00", "discount": "832.50",
           "net": "7492.50", "tax": "1348.66", "total": "8841.16"},
          {"key": "{{storage}}", "name": "Storage", "invoices": 2, "gross": "267.48", "discount": "0.00",
           "net": "267.48", "tax": "48.33", "total": "315.81"},
          {"key": "{{support}}", "name": "Support", "invoices": 2, "gross": "16650.00", "discount": "1665.00",
           "net": "14985.00", "tax": "2697.30", "total": "17682.30"}],
 "totals": {"gross": "25242.48", "discount": "2497.50", "net": "22744.98", "tax": "4094.29", "total": "26839.27"}}

=== the bucket overage of august's invoice joins when the range includes it
GET /api/v1/reports/billing/revenue?from=2030-07-01&to=2030-08-31&group_by=plan_type
--- 200 partial
{"rows": [{"key": "bucket", "name": "bucket", "invoices": 1, "gross": "375.00", "discount": "0.00", "net": "375.00"},
          {"key": "fixed", "total": "26523.46"}, {"key": "usage-based", "total": "315.81"}],
 "totals": {"invoices": 3, "gross": "25617.48", "net": "23119.98"}}

=== the revenue report as csv
GET /api/v1/reports/billing/revenue?from=2030-07-01&to=2030-07-31&group_by=service_category&format=csv
--- 200 text
Content-Type: text/csv; charset=utf-8

key,name,invoices,gross,discount,net,tax,total,currency
{{cloudcat}},Cloud,2,267.48,0.00,267.48,48.33,315.81,INR
{{managed}},Managed,2,24975.00,2497.50,22477.50,4045.96,26523.46,INR
TOTAL,All,2,25242.48,2497.50,22744.98,4094.29,26839.27,INR

=== the revenue report names a wrong grouping
GET /api/v1/reports/billing/revenue?from=2030-07-01&to=2030-07-31&group_by=customer
--- 400 partial
{"error": {"code": "bad_query", "field": "group_by"}}

=== and a range that ends before it starts
GET /api/v1/reports/billing/revenue?from=2030-07-31&to=2030-07-01&group_by=service
--- 400 partial
{"error": {"code": "bad_query", "field": "to"}}

# ---- bucket usage ----

=== bucket usage per customer and period: used vs allocated
GET /api/v1/reports/billing/bucket-usage?from=2030-06-01&to=2030-07-31
--- 200
{"from": "2030-06-01", "to": "2030-07-31",
 "rows": [{"customer_id": "{{cora}}", "customer_name": "Cora", "plan_id": "{{retainer}}", "plan_name": "Retainer",
           "customer_billing_plan_id": "{{cora_a}}", "period_start": "2030-06-01", "period_end": "2030-07-01",
           "allocated_hours": "10", "rollover_in_hours": "0", "available_hours": "10", "used_hours": "7",
           "overage_hours": "0", "remaining_hours": "3", "rollover_out_hours": "3", "used_percent": "70.0",
           "invoice_id": null},
          {"customer_id": "{{cora}}", "customer_name": "Cora", "plan_id": "{{retainer}}", "plan_name": "Retainer",
           "customer_billing_plan_id": "{{cora_a}}", "period_start": "2030-07-01", "period_end": "2030-08-01",
           "allocated_hours": "10", "rollover_in_hours": "3", "available_hours": "13", "used_hours": "12",
           "overage_hours": "0", "remaining_hours": "1", "rollover_out_hours": "1", "used_percent": "92.3",
           "invoice_id": null},
          {"customer_id": "{{dana}}", "customer_name": "Dana", "plan_id": "{{retainer}}", "plan_name": "Retainer",
           "customer_billing_plan_id": "{{dana_a}}", "period_start": "2030-07-01", "period_end": "2030-08-01",
           "allocated_hours": "10", "rollover_in_hours": "0", "available_hours": "10", "used_hours": "12.5",
           "overage_hours": "2.5", "remaining_hours": "0", "rollover_out_hours": "0", "used_percent": "125.0",
           "invoice_id": "{{*}}"}],
 "totals": {"allocated_hours": "30", "rollover_in_hours": "3", "used_hours": "31.5", "overage_hours": "2.5"}}

=== one customer's bucket usage
GET /api/v1/reports/billing/bucket-usage?from=2030-07-01&to=2030-07-31&customer_id={{cora}}
--- 200 partial
{"rows": [{"period_start": "2030-07-01", "used_hours": "12", "available_hours": "13"}],
 "totals": {"used_hours": "12"}}

=== bucket usage as csv
GET /api/v1/reports/billing/bucket-usage?from=2030-07-01&to=2030-07-31&customer_id={{dana}}&format=csv
--- 200 text
Content-Type: text/csv; charset=utf-8

customer_id,customer_name,plan_id,plan_name,customer_billing_plan_id,period_start,period_end,allocated_hours,rollover_in_hours,available_hours,used_hours,overage_hours,remaining_hours,rollover_out_hours,used_percent
{{dana}},Dana,{{retainer}},Retainer,{{dana_a}},2030-07-01,2030-08-01,10,0,10,12.5,2.5,0,0,125.0

=== the bucket report checks its customer id
GET /api/v1/reports/billing/bucket-usage?customer_id=nope
--- 400 partial
{"error": {"code": "bad_query", "field": "customer_id"}}
