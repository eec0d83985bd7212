# billing_deps.t — service dependencies and bundles through the API (issue 5; the seed's
# "Service Dependencies and Bundling Tests" and the integration test of client onboarding).
# Services: Agent 10.00, Monitoring 50.00, Antivirus 30.00, Firewall 60.00 (category Operations),
# Backup 40.00 (category Storage). Backup needs Monitoring, Monitoring needs Agent, Antivirus needs
# Agent (a service_dependencies row reads "service_id needs dependent_service_id").
@header X-Remit-Test-Ip: 10.5.2.1

=== sign up a tenant
POST /api/v1/auth/signup

{"tenant_name": "Deps {{run_id}}", "email": "owner@deps-{{run_id}}.example", "password": "correct horse battery"}
--- 201 partial
{"access_token": "{{token=*}}"}

@header Authorization: Bearer {{token}}

=== the seller's profile
POST /api/v1/company_profiles

{"name": "Deps MSP"}
--- 201 partial
{"id": "{{*}}"}

=== category operations
POST /api/v1/service_categories

{"name": "Operations"}
--- 201 partial
{"id": "{{ops_cat=uuid}}"}

=== category storage
POST /api/v1/service_categories

{"name": "Storage"}
--- 201 partial
{"id": "{{storage_cat=uuid}}"}

=== service agent
POST /api/v1/services

{"name": "Agent", "service_type": "fixed", "default_rate": "10", "category_id": "{{ops_cat}}"}
--- 201 partial
{"id": "{{agent=uuid}}"}

=== service monitoring
POST /api/v1/services

{"name": "Monitoring", "service_type": "fixed", "default_rate": "50", "category_id": "{{ops_cat}}"}
--- 201 partial
{"id": "{{monitoring=uuid}}"}

=== service antivirus
POST /api/v1/services

{"name": "Antivirus", "service_type": "fixed", "default_rate": "30", "category_id": "{{ops_cat}}"}
--- 201 partial
{"id": "{{antivirus=uuid}}"}

=== service firewall
POST /api/v1/services

{"name": "Firewall", "service_type": "fixed", "default_rate": "60", "category_id": "{{ops_cat}}"}
--- 201 partial
{"id": "{{firewall=uuid}}"}

=== service backup
POST /api/v1/services

{"name": "Backup", "service_type": "fixed", "default_rate": "40", "category_id": "{{storage_cat}}"}
--- 201 partial
{"id": "{{backup=uuid}}"}

=== backup needs monitoring
POST /api/v1/service_dependencies

{"service_id": "{{backup}}", "dependent_service_id": "{{monitoring}}"}
--- 201 partial
{"service_id": "{{backup}}", "dependent_service_id": "{{monitoring}}"}

=== monitoring needs the agent
POST /api/v1/service_dependencies

{"service_id": "{{monitoring}}", "dependent_service_id": "{{agent}}"}
--- 201 partial
{"id": "{{*}}"}

=== antivirus needs the agent
POST /api/v1/service_dependencies

{"service_id": "{{antivirus}}", "dependent_service_id": "{{agent}}"}
--- 201 partial
{"id": "{{*}}"}

=== a service cannot be its own prerequisite
POST /api/v1/service_dependencies

{"service_id": "{{backup}}", "dependent_service_id": "{{backup}}"}
--- 422
{"error": {"code": "invalid", "field": "dependent_service_id", "message": "a service cannot be its own prerequisite"}}

# ---- dependent services are added with the primary one, and go with it ----

=== a plan to compose
POST /api/v1/billing_plans

{"plan_name": "Protect", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{protect=uuid}}"}

=== dependent services are automatically added when a primary service is selected
POST /api/v1/billing_plans/{{protect}}/services

{"service_id": "{{backup}}", "custom_rate": "35"}
--- 201 partial
{"id": "{{protect_backup=uuid}}", "service_id": "{{backup}}", "custom_rate": "35", "auto_added": false}

=== the prerequisite came in, auto-added, at its default rate
GET /api/v1/billing_plans/{{protect}}/services?service_id={{monitoring}}
--- 200 partial
{"data": [{"id": "{{protect_monitoring=uuid}}", "plan_id": "{{protect}}", "service_id": "{{monitoring}}",
           "auto_added": true, "quantity": 1, "custom_rate": null, "bundle_id": null}], "next_cursor": null}

=== and so did the prerequisite of the prerequisite
GET /api/v1/billing_plans/{{protect}}/services?auto_added=true
--- 200 partial
{"data": [{"service_id": "{{agent}}", "auto_added": true}, {"service_id": "{{monitoring}}", "auto_added": true}],
 "next_cursor": null}

=== a service whose prerequisite the plan already holds adds nothing more
POST /api/v1/billing_plans/{{protect}}/services

{"service_id": "{{antivirus}}"}
--- 201 partial
{"id": "{{protect_antivirus=uuid}}", "auto_added": false}

=== the plan holds four services
GET /api/v1/billing_plans/{{protect}}/services
--- 200 partial
{"data": [{"service_id": "{{antivirus}}", "auto_added": false}, {"service_id": "{{agent}}", "auto_added": true},
          {"service_id": "{{monitoring}}", "auto_added": true}, {"service_id": "{{backup}}", "auto_added": false}],
 "next_cursor": null}

=== auto_added is Remit's to set
PATCH /api/v1/billing_plans/{{protect}}/services/{{protect_backup}}

{"auto_added": true}
--- 422
{"error": {"code": "invalid", "field": "auto_added", "message": "{{string}}"}}

=== a prerequisite another service of the plan needs cannot be removed
DELETE /api/v1/billing_plans/{{protect}}/services/{{protect_monitoring}}
--- 409
{"error": {"code": "conflict", "field": "service_id", "message": "Monitoring is required by Backup",
           "hint": "remove the services that need it first"}}

=== the refused removal removed nothing
GET /api/v1/billing_plans/{{protect}}/services?service_id={{monitoring}}
--- 200 partial
{"data": [{"id": "{{protect_monitoring}}", "auto_added": true}], "next_cursor": null}

=== removing a service also removes its dependent services
DELETE /api/v1/billing_plans/{{protect}}/services/{{protect_backup}}
--- 204 empty

=== monitoring went with backup; the agent stays for antivirus
GET /api/v1/billing_plans/{{protect}}/services
--- 200 partial
{"data": [{"service_id": "{{antivirus}}", "auto_added": false}, {"service_id": "{{agent}}", "auto_added": true}],
 "next_cursor": null}

=== removing antivirus takes the agent nothing else needs
DELETE /api/v1/billing_plans/{{protect}}/services/{{protect_antivirus}}
--- 204 empty

=== the plan is empty again
GET /api/v1/billing_plans/{{protect}}/services
--- 200
{"data": [], "next_cursor": null}

=== a prerequisite chosen on its own stays when its dependent goes
POST /api/v1/billing_plans/{{protect}}/services

{"service_id": "{{agent}}"}
--- 201 partial
{"auto_added": false}

=== monitoring added after the agent
POST /api/v1/billing_plans/{{protect}}/services

{"service_id": "{{monitoring}}"}
--- 201 partial
{"id": "{{protect_monitoring2=uuid}}"}

=== removing monitoring keeps the chosen agent
DELETE /api/v1/billing_plans/{{protect}}/services/{{protect_monitoring2}}
--- 204 empty

=== the chosen agent is still there
GET /api/v1/billing_plans/{{protect}}/services
--- 200 partial
{"data": [{"service_id": "{{agent}}", "auto_added": false}], "next_cursor": null}

# ---- a customer cannot hold a service without its prerequisites ----

=== an add-on plan with backup
POST /api/v1/billing_plans

{"plan_name": "Backup add-on", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{addon=uuid}}"}

=== backup in the add-on brings monitoring and the agent into it
POST /api/v1/billing_plans/{{addon}}/services

{"service_id": "{{backup}}"}
--- 201 partial
{"auto_added": false}

=== a base plan of operations
POST /api/v1/billing_plans

{"plan_name": "Operations", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{ops=uuid}}"}

=== the base plan holds monitoring (and so the agent)
POST /api/v1/billing_plans/{{ops}}/services

{"service_id": "{{monitoring}}"}
--- 201 partial
{"auto_added": false}

=== a customer
POST /api/v1/customers

{"name": "Storage only"}
--- 201 partial
{"id": "{{cust=uuid}}"}

=== clients cannot subscribe to services without required dependencies
POST /api/v1/customer_billing_plans

{"customer_id": "{{cust}}", "plan_id": "{{addon}}", "service_category": "{{storage_cat}}", "start_date": "2030-06-01"}
--- 422
{"error": {"code": "invalid", "field": "plan_id",
           "message": "missing prerequisites from 2030-06-01: Backup requires Monitoring",
           "detail": "Backup requires Monitoring", "hint": "assign a plan that holds the prerequisites for those dates first"}}

=== the refused assignment wrote nothing
GET /api/v1/customer_billing_plans?customer_id={{cust}}
--- 200
{"data": [], "next_cursor": null}

=== and the customer holds nothing
GET /api/v1/customers/{{cust}}/services?on=2030-06-15
--- 200
{"customer_id": "{{cust}}", "on": "2030-06-15", "data": []}

=== the base plan first
POST /api/v1/customer_billing_plans

{"customer_id": "{{cust}}", "plan_id": "{{ops}}", "start_date": "2030-06-01"}
--- 201 partial
{"id": "{{cust_ops=uuid}}"}

=== then the add-on restricted to storage is accepted
POST /api/v1/customer_billing_plans

{"customer_id": "{{cust}}", "plan_id": "{{addon}}", "service_category": "{{storage_cat}}", "start_date": "2030-06-01"}
--- 201 partial
{"id": "{{cust_addon=uuid}}"}

=== the customer holds backup through the add-on and its prerequisites through the base plan
GET /api/v1/customers/{{cust}}/services?on=2030-06-15
--- 200
{"customer_id": "{{cust}}", "on": "2030-06-15",
 "data": [{"service_id": "{{monitoring}}", "service_name": "Monitoring", "service_type": "fixed",
           "category_id": "{{ops_cat}}", "plan_id": "{{ops}}", "plan_name": "Operations",
           "customer_billing_plan_id": "{{cust_ops}}", "auto_added": false, "bills": true, "status": "active"},
          {"service_id": "{{agent}}", "service_name": "Agent", "service_type": "fixed", "category_id": "{{ops_cat}}",
           "plan_id": "{{ops}}", "plan_name": "Operations", "customer_billing_plan_id": "{{cust_ops}}",
           "auto_added": true, "bills": true, "status": "active"},
          {"service_id": "{{backup}}", "service_name": "Backup", "service_type": "fixed",
           "category_id": "{{storage_cat}}", "plan_id": "{{addon}}", "plan_name": "Backup add-on",
           "customer_billing_plan_id": "{{cust_addon}}", "auto_added": false, "bills": true, "status": "active"}]}

=== ending the base plan while backup goes on is refused
PATCH /api/v1/customer_billing_plans/{{cust_ops}}

{"end_date": "2030-06-30"}
--- 422
{"error": {"code": "invalid", "field": "end_date", "message": "missing prerequisites from 2030-07-01: Backup requires Monitoring",
           "detail": "Backup requires Monitoring", "hint": "{{string}}"}}

=== deleting the base plan's assignment is refused
DELETE /api/v1/customer_billing_plans/{{cust_ops}}
--- 409 partial
{"error": {"code": "conflict", "message": "missing prerequisites from 2030-06-01: Backup requires Monitoring"}}

=== the base plan's assignment is unchanged
GET /api/v1/customer_billing_plans/{{cust_ops}}
--- 200 partial
{"end_date": null, "is_active": true, "version": 1}

=== ending both on the same day is fine
PATCH /api/v1/customer_billing_plans/{{cust_addon}}

{"end_date": "2030-06-30"}
--- 200 partial
{"end_date": "2030-06-30"}

=== then the base plan may end too
PATCH /api/v1/customer_billing_plans/{{cust_ops}}

{"end_date": "2030-06-30"}
--- 200 partial
{"end_date": "2030-06-30"}

# ---- bundles ----

=== service email
POST /api/v1/services

{"name": "Email", "service_type": "fixed", "default_rate": "30"}
--- 201 partial
{"id": "{{email=uuid}}"}

=== service chat
POST /api/v1/services

{"name": "Chat", "service_type": "fixed", "default_rate": "50"}
--- 201 partial
{"id": "{{chat=uuid}}"}

=== service files
POST /api/v1/services

{"name": "Files", "service_type": "fixed", "default_rate": "40"}
--- 201 partial
{"id": "{{files=uuid}}"}

=== the office bundle: 120.00 separately, 99.00 together
POST /api/v1/service_bundles

{"bundle_name": "Office", "bundle_price": "99"}
--- 201 partial
{"id": "{{office=uuid}}"}

=== office holds email
POST /api/v1/service_bundles/{{office}}/services

{"service_id": "{{email}}"}
--- 201 partial
{"id": "{{*}}"}

=== office holds chat
POST /api/v1/service_bundles/{{office}}/services

{"service_id": "{{chat}}"}
--- 201 partial
{"id": "{{*}}"}

=== office holds files
POST /api/v1/service_bundles/{{office}}/services

{"service_id": "{{files}}"}
--- 201 partial
{"id": "{{*}}"}

=== an office plan
POST /api/v1/billing_plans

{"plan_name": "Office plan", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{office_plan=uuid}}"}

=== a plan service sold in a bundle must be one of the bundle's services
POST /api/v1/billing_plans/{{office_plan}}/services

{"service_id": "{{backup}}", "bundle_id": "{{office}}"}
--- 422
{"error": {"code": "invalid", "field": "bundle_id", "message": "the service is not one of the bundle's services"}}

=== the bundle goes into the plan whole
POST /api/v1/billing_plans/{{office_plan}}/add_bundle

{"bundle_id": "{{office}}"}
--- 201 partial
{"plan_id": "{{office_plan}}", "bundle_id": "{{office}}",
 "services": [{"service_id": "{{files}}", "bundle_id": "{{office}}"},
              {"service_id": "{{chat}}", "bundle_id": "{{office}}"},
              {"service_id": "{{email}}", "bundle_id": "{{office}}"}]}

=== a bundle already in the plan is not added twice
POST /api/v1/billing_plans/{{office_plan}}/add_bundle

{"bundle_id": "{{office}}"}
--- 409 partial
{"error": {"code": "conflict", "field": "bundle_id", "message": "Email is already in the plan"}}

=== add_bundle names unknown fields
POST /api/v1/billing_plans/{{office_plan}}/add_bundle

{"bundle_id": "{{office}}", "quantity": 2}
--- 422 partial
{"error": {"code": "unknown_field", "field": "quantity"}}

=== an office customer from june 11
POST /api/v1/customers

{"name": "Office customer"}
--- 201 partial
{"id": "{{office_cust=uuid}}"}

=== assigned for the rest of june
POST /api/v1/customer_billing_plans

{"customer_id": "{{office_cust}}", "plan_id": "{{office_plan}}", "start_date": "2030-06-11", "end_date": "2030-06-30"}
--- 201 partial
{"id": "{{office_a=uuid}}"}

# ---- onboarding: bundles and dependencies together ----

=== the security bundle: antivirus and firewall for 99.00
POST /api/v1/service_bundles

{"bundle_name": "Security", "bundle_price": "99"}
--- 201 partial
{"id": "{{security=uuid}}"}

=== security holds antivirus
POST /api/v1/service_bundles/{{security}}/services

{"service_id": "{{antivirus}}"}
--- 201 partial
{"id": "{{*}}"}

=== security holds firewall
POST /api/v1/service_bundles/{{security}}/services

{"service_id": "{{firewall}}"}
--- 201 partial
{"id": "{{*}}"}

=== the backup pack: backup and monitoring for 80.00
POST /api/v1/service_bundles

{"bundle_name": "Backup pack", "bundle_price": "80"}
--- 201 partial
{"id": "{{pack=uuid}}"}

=== the pack holds backup first
POST /api/v1/service_bundles/{{pack}}/services

{"service_id": "{{backup}}"}
--- 201 partial
{"id": "{{*}}"}

=== the pack holds monitoring
POST /api/v1/service_bundles/{{pack}}/services

{"service_id": "{{monitoring}}"}
--- 201 partial
{"id": "{{*}}"}

=== a new customer's plan
POST /api/v1/billing_plans

{"plan_name": "Secure onboarding", "billing_frequency": "monthly", "plan_type": "fixed"}
--- 201 partial
{"id": "{{secure=uuid}}"}

=== the security bundle brings the agent antivirus needs
POST /api/v1/billing_plans/{{secure}}/add_bundle

{"bundle_id": "{{security}}"}
--- 201 partial
{"services": [{"service_id": "{{firewall}}", "bundle_id": "{{security}}", "auto_added": false},
              {"service_id": "{{agent}}", "bundle_id": null, "auto_added": true},
              {"service_id": "{{antivirus}}", "bundle_id": "{{security}}", "auto_added": false}]}

=== the pack's monitoring, first brought in by backup, becomes a member of the pack
POST /api/v1/billing_plans/{{secure}}/add_bundle

{"bundle_id": "{{pack}}"}
--- 201 partial
{"services": [{"service_id": "{{monitoring}}", "bundle_id": "{{pack}}", "auto_added": false},
              {"service_id": "{{backup}}", "bundle_id": "{{pack}}", "auto_added": false},
              {"service_id": "{{firewall}}"}, {"service_id": "{{agent}}", "auto_added": true},
              {"service_id": "{{antivirus}}"}]}

=== the onboarded customer
POST /api/v1/customers

{"name": "Onboarded"}
--- 201 partial
{"id": "{{onboarded=uuid}}"}

=== assigned from june 1
POST /api/v1/customer_billing_plans

{"customer_id": "{{onboarded}}", "plan_id": "{{secure}}", "start_date": "2030-06-01", "end_date": "2030-06-30"}
--- 201 partial
{"id": "{{onboarded_a=uuid}}"}

=== the onboarded customer holds both bundles and the agent
GET /api/v1/customers/{{onboarded}}/services?on=2030-06-01
--- 200 partial
{"data": [{"service_name": "Antivirus", "auto_added": false}, {"service_name": "Agent", "auto_added": true},
          {"service_name": "Firewall", "auto_added": false}, {"service_name": "Backup", "auto_added": false},
          {"service_name": "Monitoring", "auto_added": false}]}

=== service dependencies and bundles are handled during client onboarding
POST /api/v1/billing/preview

{"customer_id": "{{onboarded}}", "period_start": "2030-06-01", "period_end": "2030-07-01"}
--- 200 partial
{"subtotal": "189.00", "total": "189.00",
 "lines": [{"charge_kind": "fixed", "service_id": "{{agent}}", "amount": "10.00"},
           {"charge_kind": "bundle", "service_id": null, "amount": "99.00",
            "calculation": {"bundle_id": "{{security}}", "days_used": 30, "days_in_period": 30}},
           {"charge_kind": "bundle", "service_id": null, "amount": "80.00",
            "calculation": {"bundle_id": "{{pack}}"}}]}

=== the july 1 run bills the onboarded and the office customers
POST /api/v1/billing/runs

{"date": "2030-07-01"}
--- 201 partial
{"customers_failed": 0}

=== the onboarded customer's invoice is the preview
GET /api/v1/invoices?customer_id={{onboarded}}
--- 200 partial
{"data": [{"total": "189.00", "lines": [{"charge_kind": "fixed", "service_id": "{{agent}}", "amount": "10.00"},
                                        {"charge_kind": "bundle", "bundle_id": "{{security}}", "amount": "99.00"},
                                        {"charge_kind": "bundle", "bundle_id": "{{pack}}", "amount": "80.00"}]}],
 "next_cursor": null}

=== service bundles are billed at the bundled price
GET /api/v1/invoices?customer_id={{office_cust}}
--- 200 partial
{"data": [{"subtotal": "66.00", "total": "66.00",
           "lines": [{"charge_kind": "bundle", "bundle_id": "{{office}}", "service_id": null, "rate": "99",
                      "amount": "66.00", "calculation": {"days_used": 20, "days_in_period": 30,
                                                         "note": "covers Email, Chat, Files (their fixed fees separately: 120.00 per cycle)"}}]}],
 "next_cursor": null}
