import XCTest
import InkBridgeCore
@testable import TicketingLink

/// Configuration errors as `inkbridge validate` reports them: through the real loader, each
/// with its exact JSON path.
final class TicketingConfigTests: XCTestCase {
    let environment = ["KEY": "tenant-key", "ZD_TOKEN": "zd-token", "ZD_OAUTH": "zd-oauth", "JIRA_TOKEN": "jira-token",
                       "SN_USER": "svc", "SN_PASS": "pw", "SN_ID": "cid", "SN_SECRET": "csecret"]

    func load(_ connectors: [JSON]) -> Result<LoadedConfig, ConfigError> {
        let config: JSON = [
            "version": 1,
            "tenants": [["id": "acme", "api_keys": [["env": "KEY"]], "connectors": .array(connectors)]],
        ]
        let loader = ConfigLoader(registry: ConnectorRegistry(TicketingLink.plugins), resolver: SecretResolver(environment: environment))
        return Result { () throws(ConfigError) in try loader.load(json: config) }
    }

    func issues(_ connectors: [JSON]) -> [String] {
        switch load(connectors) {
        case .success: return []
        case .failure(let e): return e.issues.map(\.description)
        }
    }

    func testValidConfigurationsLoadWithDefaults() throws {
        let loaded = try load([
            ["id": "zd", "type": "ticketing.zendesk",
             "settings": ["base_url": "https://acme.zendesk.com/", "email": "ops@acme.example",
                          "org_fields": ["sla_tier": "tier", "sla_active": "active"], "priority_by_tier": ["gold": "urgent"]],
             "secrets": ["api_token": ["env": "ZD_TOKEN"]]],
            ["id": "zd2", "type": "ticketing.zendesk", "settings": ["base_url": "https://acme.zendesk.com"],
             "secrets": ["oauth_token": ["env": "ZD_OAUTH"]]],
            ["id": "jira", "type": "ticketing.jira",
             "settings": ["base_url": "https://acme.atlassian.net", "email": "ops@acme.example",
                          "contract_url": "https://clm.example.com/contracts/{contract.id}"],
             "secrets": ["api_token": ["env": "JIRA_TOKEN"]]],
            ["id": "sn", "type": "ticketing.servicenow", "settings": ["instance_url": "https://acme.service-now.com"],
             "secrets": ["client_id": ["env": "SN_ID"], "client_secret": ["env": "SN_SECRET"]]],
        ]).get()
        let connectors = loaded.config.tenants[0].connectors
        XCTAssertEqual(connectors.map(\.on), Array(repeating: ["executed", "renewed", "amended", "expired", "terminated", "voided"], count: 4))
        for c in connectors { XCTAssertTrue(loaded.plugin(for: c).isStateConnector, c.type) }
        XCTAssertEqual(TicketingLink.plugins.map(\.type), ["ticketing.zendesk", "ticketing.jira", "ticketing.servicenow"])
    }

    func testZendeskErrorsCarryTheirPaths() {
        XCTAssertEqual(issues([
            ["id": "zd", "type": "ticketing.zendesk",
             "settings": ["base_url": "ftp://acme", "org_fields": ["sla_tier": "colour", "sla_x": 3], "tag_prefix": "sla tier",
                          "priority_by_tier": ["gold": "asap"], "org_ref": "contract..ref", "contract_url": "https://x/{contract.id",
                          "colour": "blue"],
             "secrets": ["api_token": ["env": "ZD_TOKEN"]]],
        ]), [
            "tenants[0].connectors[0].settings.colour: unknown setting; known: base_url, contract_url, email, org_fields, org_ref, priority_by_tier, tag_prefix",
            "tenants[0].connectors[0].settings.base_url: must be an http(s) URL such as https://example.zendesk.com, without query or credentials",
            "tenants[0].connectors[0].settings.org_ref: must be an event path such as contract.customer.ticketing_ref",
            "tenants[0].connectors[0].settings.org_fields.sla_tier: must be one of contract_id, tier, business_hours, targets, effective_date, expiry_date, contract_url, active, not \"colour\"",
            "tenants[0].connectors[0].settings.org_fields.sla_x: must be a string, not number",
            "tenants[0].connectors[0].settings.tag_prefix: must not contain spaces or commas (Zendesk splits tags on them)",
            "tenants[0].connectors[0].settings.priority_by_tier.gold: must be one of low, normal, high, urgent, not \"asap\"",
            "tenants[0].connectors[0].settings.contract_url: has a '{' without a matching '}'",
            "tenants[0].connectors[0].settings.email: required with secrets.api_token",
        ])
    }

    func testZendeskCredentialsAreOneOrTheOther() {
        XCTAssertEqual(issues([["id": "zd", "type": "ticketing.zendesk", "settings": ["base_url": "https://acme.zendesk.com"]]]),
                       ["tenants[0].connectors[0].secrets.api_token: required (with settings.email), or give secrets.oauth_token"])
        XCTAssertEqual(issues([["id": "zd", "type": "ticketing.zendesk", "settings": ["base_url": "https://acme.zendesk.com", "email": "a@b.c"],
                                "secrets": ["api_token": ["env": "ZD_TOKEN"], "oauth_token": ["env": "ZD_OAUTH"]]]]),
                       ["tenants[0].connectors[0].secrets.oauth_token: give either api_token (with settings.email) or oauth_token, not both"])
        // An unresolvable reference is reported once, by the loader, not again as "required".
        XCTAssertEqual(issues([["id": "zd", "type": "ticketing.zendesk", "settings": ["base_url": "https://acme.zendesk.com", "email": "a@b.c"],
                                "secrets": ["api_token": ["env": "NOT_SET"]]]]),
                       ["tenants[0].connectors[0].secrets.api_token: environment variable NOT_SET is not set"])
    }

    func testJiraRequiresEmailTokenAndAnOrgClause() {
        XCTAssertEqual(issues([["id": "j", "type": "ticketing.jira", "settings": ["base_url": "https://acme.atlassian.net", "org_jql": "project = SD"]]]), [
            "tenants[0].connectors[0].settings.email: required",
            "tenants[0].connectors[0].settings.org_jql: must contain {org}, where the organisation reference goes",
            "tenants[0].connectors[0].secrets.api_token: required",
        ])
        XCTAssertEqual(issues([["id": "j", "type": "ticketing.jira", "settings": ["email": "a@b.c"], "secrets": ["api_token": ["env": "JIRA_TOKEN"], "password": ["env": "SN_PASS"]]]]), [
            "tenants[0].connectors[0].secrets.password: unknown secret for ticketing.jira; known: api_token",
            "tenants[0].connectors[0].settings.base_url: required",
        ])
    }

    func testServiceNowCredentialPairsAndColumns() {
        XCTAssertEqual(issues([["id": "sn", "type": "ticketing.servicenow", "settings": ["instance_url": "https://acme.service-now.com"],
                                "secrets": ["username": ["env": "SN_USER"], "client_id": ["env": "SN_ID"]]]]), [
            "tenants[0].connectors[0].secrets.password: required with secrets.username",
            "tenants[0].connectors[0].secrets.client_secret: required with secrets.client_id",
        ])
        XCTAssertEqual(issues([["id": "sn", "type": "ticketing.servicenow",
                                "settings": ["instance_url": "https://acme.service-now.com", "table": "service entitlement",
                                             "fields": ["end_date": "expiry_date", "bad-col": "tier", "u_x": "colour"]]]]), [
            "tenants[0].connectors[0].settings.table: must be a name of letters, digits and '_'",
            "tenants[0].connectors[0].settings.fields.bad-col: is not a column name (letters, digits and '_')",
            "tenants[0].connectors[0].settings.fields.u_x: must be one of name, account, contract_id, tier, business_hours, targets, effective_date, expiry_date, contract_url, active, not \"colour\"",
            "tenants[0].connectors[0].settings.fields: must map a column to active",
            "tenants[0].connectors[0].secrets.username: required with secrets.password, or give secrets.client_id and secrets.client_secret",
        ])
    }

    func testOnOutsideGrantAndRevokeIsRefused() {
        XCTAssertEqual(issues([["id": "j", "type": "ticketing.jira", "on": ["executed", "signed"],
                                "settings": ["base_url": "https://acme.atlassian.net", "email": "a@b.c"],
                                "secrets": ["api_token": ["env": "JIRA_TOKEN"]]]]),
                       ["tenants[0].connectors[0].on: ticketing.jira acts only on amended executed expired renewed terminated voided; remove signed"])
    }
}
