/// The demo's connectors.json and events.
enum DemoConfig {
    static let salesforceOpportunity = "006Dn00000AbCdEIAV"
    static let hubspotDeal = "18250467321"

    static func json(_ s: DemoSystems) -> String {
        """
        {
          "version": 1,
          "network": { "allow_private": true },
          "defaults": { "retry": { "schedule": [0.5, 1, 2, 5] }, "timeout": 10 },
          "tenants": [
            { "id": "acme", "name": "Acme Manufacturing",
              "api_keys": [{ "sha256": "\(String(repeating: "a", count: 64))" }],
              "connectors": [
                { "id": "acme-hook", "type": "webhook",
                  "settings": { "url": "\(s.acmeHooks.url)", "headers": { "X-Team": "sales-ops" } },
                  "secrets": { "signing_secret": { "env": "DEMO_WEBHOOK_SECRET" } } },
                { "id": "acme-salesforce", "type": "crm.salesforce",
                  "settings": { "instance_url": "\(s.salesforce.baseURL)", "object": "Opportunity",
                                "record_ref": "contract.customer.crm_ref",
                                "fields": { "Contract_Status__c": "contract.status", "Amount": "contract.value.amount",
                                            "StageName": { "path": "contract.status",
                                                           "map": { "executed": "Closed Won", "expired": "Closed Lost", "terminated": "Closed Lost" },
                                                           "default": "Negotiation/Review" },
                                            "CloseDate": { "path": "contract.effective_date", "format": "date" } } },
                  "secrets": { "client_id": { "env": "DEMO_SF_CLIENT_ID" }, "client_secret": { "env": "DEMO_SF_CLIENT_SECRET" } } },
                { "id": "acme-zendesk", "type": "ticketing.zendesk",
                  "settings": { "base_url": "\(s.zendesk.baseURL)", "email": "\(s.zendesk.configuration.email)",
                                "org_fields": { "sla_tier": "tier", "sla_contract": "contract_id", "sla_expiry": "expiry_date", "sla_active": "active" },
                                "priority_by_tier": { "gold": "urgent" } },
                  "secrets": { "api_token": { "env": "DEMO_ZENDESK_TOKEN" } } }
              ] },
            { "id": "globex", "name": "Globex",
              "api_keys": [{ "sha256": "\(String(repeating: "b", count: 64))" }],
              "connectors": [
                { "id": "globex-hook", "type": "webhook", "on": ["signed", "executed"],
                  "settings": { "url": "\(s.globexHooks.url)" },
                  "secrets": { "signing_secret": { "env": "DEMO_WEBHOOK_SECRET" } } },
                { "id": "globex-hubspot", "type": "crm.hubspot",
                  "settings": { "base_url": "\(s.hubspot.baseURL)", "object_type": "deals", "record_ref": "contract.customer.crm_ref",
                                "fields": { "contract_status": "contract.status", "amount": "contract.value.amount",
                                            "dealstage": { "path": "contract.status", "map": { "executed": "closedwon" }, "default": "contractsent" } } },
                  "secrets": { "access_token": { "env": "DEMO_HUBSPOT_TOKEN" } } }
              ] }
          ]
        }
        """
    }

    static func event(tenant: String, contract: String, sequence: Int, status: String) -> String {
        let crmRef = tenant == "acme" ? salesforceOpportunity : hubspotDeal
        return """
        {"id":"evt_\(tenant)_\(contract)_\(sequence)","type":"contract.status_changed","occurred_at":"2026-11-21T10:1\(sequence):00Z",
         "contract":{"id":"\(contract)","sequence":\(sequence),"status":"\(status)","title":"Gold Support and Maintenance Agreement",
          "kind":"support_maintenance","customer":{"id":"cust_\(tenant)","name":"\(tenant.capitalized) Corp","crm_ref":"\(crmRef)","ticketing_ref":"361"},
          "value":{"amount":"48000.00","currency":"USD"},"effective_date":"2026-12-01","expiry_date":"2027-11-30",
          "sla":{"tier":"gold","business_hours":"24x7","targets":[{"severity":"P1","first_response_minutes":60,"resolution_minutes":240},
                 {"severity":"P2","first_response_minutes":240,"resolution_minutes":1440}]}}}
        """
    }
}
