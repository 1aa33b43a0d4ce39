import CRMSync
import InkBridgeCore
import XCTest

/// `inkbridge validate` for the CRM types: every problem at once, each with its exact JSON path.
final class CRMConfigValidationTests: XCTestCase {
    let env = ["SF_ID": "3MVG9client", "SF_SECRET": "sf-secret-value", "HS_TOKEN": "pat-na1-token"]
    let at = "tenants[0].connectors[0]"

    func salesforce(settings: String, secrets: String = #"{"client_id": {"env": "SF_ID"}, "client_secret": {"env": "SF_SECRET"}}"#) -> String {
        #"{"id": "crm", "type": "crm.salesforce", "settings": \#(settings), "secrets": \#(secrets)}"#
    }

    func hubspot(settings: String, secrets: String = #"{"access_token": {"env": "HS_TOKEN"}}"#) -> String {
        #"{"id": "crm", "type": "crm.hubspot", "settings": \#(settings), "secrets": \#(secrets)}"#
    }

    func testValidSalesforceConfigLoadsWithStateConnectorDefaults() throws {
        let loaded = try CRMFixtures.load(connectors: salesforce(settings: """
            {"instance_url": "https://acme.my.salesforce.com", "object": "Opportunity", "record_ref": "contract.customer.crm_ref",
             "fields": {"Contract_Status__c": "contract.status", "Amount": "contract.value.amount",
                        "StageName": {"path": "contract.status", "map": {"executed": "Closed Won"}, "default": "Negotiation/Review"},
                        "CloseDate": {"path": "contract.expiry_date", "format": "date"}, "Description": {"const": null}}}
            """), env: env)
        let connector = loaded.config.tenants[0].connectors[0]
        XCTAssertEqual(connector.type, "crm.salesforce")
        XCTAssertEqual(connector.on, ContractStatus.allNames)
        XCTAssertTrue(loaded.plugin(for: connector).isStateConnector)
    }

    func testBadEventPathIsReportedAtTheFieldsPath() {
        let issues = CRMFixtures.issues(connectors: salesforce(settings: """
            {"instance_url": "https://acme.my.salesforce.com", "object": "Opportunity", "record_ref": "contract.customer.crm_ref",
             "fields": {"Amount": "contract..value", "CloseDate": {"path": "contract expiry"}}}
            """), env: env)
        XCTAssertEqual(issues, [
            "\(at).settings.fields.Amount: \"contract..value\" is not an event path (dot-separated keys such as contract.value.amount)",
            "\(at).settings.fields.CloseDate.path: \"contract expiry\" is not an event path (dot-separated keys such as contract.value.amount)",
        ])
    }

    func testMissingInstanceURLObjectFieldsAndSecretAreAllReported() {
        let issues = CRMFixtures.issues(connectors: salesforce(settings: #"{"record_ref": "contract.customer.crm_ref"}"#,
                                                               secrets: #"{"client_id": {"env": "SF_ID"}}"#), env: env)
        XCTAssertEqual(Set(issues), [
            "\(at).settings.instance_url: required",
            "\(at).settings.object: required",
            "\(at).settings.fields: required",
            "\(at).secrets.client_secret: required",
        ])
    }

    func testUnresolvableSecretIsReportedOnceByTheLoader() {
        let issues = CRMFixtures.issues(connectors: salesforce(settings: """
            {"instance_url": "https://acme.my.salesforce.com", "object": "Opportunity", "record_ref": "contract.customer.crm_ref",
             "fields": {"Amount": "contract.value.amount"}}
            """, secrets: #"{"client_id": {"env": "SF_ID"}, "client_secret": {"env": "NOT_SET_ANYWHERE"}}"#), env: env)
        XCTAssertEqual(issues, ["\(at).secrets.client_secret: environment variable NOT_SET_ANYWHERE is not set"])
    }

    func testRecordRefAndUpsertAreMutuallyExclusiveAndOneIsRequired() {
        let both = CRMFixtures.issues(connectors: salesforce(settings: """
            {"instance_url": "https://acme.my.salesforce.com", "object": "Opportunity", "record_ref": "contract.customer.crm_ref",
             "upsert": {"field": "Contract_Id__c", "path": "contract.id"}, "fields": {"Amount": "contract.value.amount"}}
            """), env: env)
        XCTAssertEqual(both, ["\(at).settings.upsert: give either record_ref or upsert, not both"])
        let neither = CRMFixtures.issues(connectors: salesforce(settings: """
            {"instance_url": "https://acme.my.salesforce.com", "object": "Opportunity", "fields": {"Amount": "contract.value.amount"}}
            """), env: env)
        XCTAssertEqual(neither, [#"\#(at).settings.record_ref: required: record_ref (event path of the record id) or upsert {"field": NAME, "path": EVENT_PATH}"#])
    }

    func testWrongMappingShapesAreReportedWithTheirPaths() {
        let issues = CRMFixtures.issues(connectors: salesforce(settings: """
            {"instance_url": "https://acme.my.salesforce.com", "object": "Opportunity",
             "upsert": {"field": "Contract_Id__c", "path": "contract.id"},
             "fields": {"Amount": 5, "Tier": {"const": ["gold"]}, "StageName": {"path": "contract.status", "map": {"signed": {"x": 1}}},
                        "CloseDate": {"path": "contract.expiry_date", "format": "dd/mm/yyyy"},
                        "Description": {"path": "contract.title", "fallback": "x"}, "Contract_Id__c": "contract.id",
                        "Bad-Name": "contract.id", "Empty": {}},
             "colour": "blue"}
            """), env: env)
        XCTAssertEqual(issues, [
            "\(at).settings.colour: unknown setting; known: instance_url, token_url, api_version, object, record_ref, upsert, fields",
            "\(at).settings.fields.Amount: " + #"must be an event path string, {"const": VALUE} or {"path": P, "map": {...}, "default": V, "format": F}, not number"#,
            "\(at).settings.fields.Tier.const: must be a string, number, boolean or null, not array",
            "\(at).settings.fields.StageName.map.signed: must be a string, number, boolean or null, not object",
            "\(at).settings.fields.CloseDate.format: must be one of date, datetime, epoch_ms",
            "\(at).settings.fields.Description.fallback: unknown key; known: path, map, default, format",
            "\(at).settings.fields.Bad-Name: is not a CRM field name (letters, digits and '_', starting with a letter)",
            "\(at).settings.fields.Empty: " + #"must be an event path string, {"const": VALUE} or {"path": P, "map": {...}, "default": V, "format": F}"#,
            "\(at).settings.fields.Contract_Id__c: is the upsert field: its value comes from upsert.path and must not be mapped too",
        ])
    }

    func testPlainHTTPIsOnlyAcceptedForLoopbackAndVersionIsChecked() {
        let issues = CRMFixtures.issues(connectors: salesforce(settings: """
            {"instance_url": "http://acme.my.salesforce.com", "token_url": "not a url", "api_version": "60",
             "object": "Opportunity", "record_ref": "contract.customer.crm_ref", "fields": {"Amount": "contract.value.amount"}}
            """), env: env)
        XCTAssertEqual(issues, [
            "\(at).settings.instance_url: must use https (http is accepted only for a loopback host)",
            "\(at).settings.token_url: must be an absolute https URL without query, e.g. https://acme.my.salesforce.com",
            "\(at).settings.api_version: must look like v60.0",
        ])
    }

    func testHubSpotRequiresObjectTypeTokenAndPropertyUpsert() {
        let issues = CRMFixtures.issues(connectors: hubspot(settings: """
            {"upsert": {"field": "contract_id", "path": "contract.id"}, "fields": {"dealstage": "contract.status"}}
            """, secrets: "{}"), env: env)
        XCTAssertEqual(issues, [
            "\(at).settings.object_type: required",
            "\(at).settings.upsert.field: unknown key; known: property, path",
            "\(at).settings.upsert.property: required",
            "\(at).secrets.access_token: required",
        ])
    }

    func testHubSpotUnknownSecretIsRejectedByTheLoader() {
        let issues = CRMFixtures.issues(connectors: hubspot(settings: """
            {"object_type": "deals", "record_ref": "contract.customer.crm_ref", "fields": {"dealstage": "contract.status"}}
            """, secrets: #"{"access_token": {"env": "HS_TOKEN"}, "client_secret": {"env": "SF_SECRET"}}"#), env: env)
        XCTAssertEqual(issues, ["\(at).secrets.client_secret: unknown secret for crm.hubspot; known: access_token"])
    }

    func testValidHubSpotConfigLoads() throws {
        let loaded = try CRMFixtures.load(connectors: hubspot(settings: """
            {"object_type": "deals", "upsert": {"property": "contract_id", "path": "contract.id"},
             "fields": {"dealstage": "contract.status", "amount": "contract.value.amount"}}
            """), env: env)
        XCTAssertEqual(loaded.config.tenants[0].connectors[0].type, "crm.hubspot")
        XCTAssertTrue(loaded.plugin(for: loaded.config.tenants[0].connectors[0]).isStateConnector)
    }
}
