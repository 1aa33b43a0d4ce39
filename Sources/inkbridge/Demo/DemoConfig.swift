/// The demo's connectors.json and events.
enum DemoConfig {
    static func json(acmeWebhook: String, globexWebhook: String) -> String {
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
                  "settings": { "url": "\(acmeWebhook)", "headers": { "X-Team": "sales-ops" } },
                  "secrets": { "signing_secret": { "env": "DEMO_WEBHOOK_SECRET" } } }
              ] },
            { "id": "globex", "name": "Globex",
              "api_keys": [{ "sha256": "\(String(repeating: "b", count: 64))" }],
              "connectors": [
                { "id": "globex-hook", "type": "webhook", "on": ["signed", "executed"],
                  "settings": { "url": "\(globexWebhook)" },
                  "secrets": { "signing_secret": { "env": "DEMO_WEBHOOK_SECRET" } } }
              ] }
          ]
        }
        """
    }

    static func event(tenant: String, contract: String, sequence: Int, status: String) -> String {
        """
        {"id":"evt_\(tenant)_\(contract)_\(sequence)","type":"contract.status_changed","occurred_at":"2026-11-21T10:1\(sequence):00Z",
         "contract":{"id":"\(contract)","sequence":\(sequence),"status":"\(status)","title":"Gold Support and Maintenance Agreement",
          "kind":"support_maintenance","customer":{"id":"cust_\(tenant)","name":"\(tenant.capitalized) Corp","crm_ref":"006Dn00000AbCdEIAV","ticketing_ref":"361"},
          "value":{"amount":"48000.00","currency":"USD"},"effective_date":"2026-12-01","expiry_date":"2027-11-30",
          "sla":{"tier":"gold","business_hours":"24x7","targets":[{"severity":"P1","first_response_minutes":60,"resolution_minutes":240},
                 {"severity":"P2","first_response_minutes":240,"resolution_minutes":1440}]}}}
        """
    }
}
