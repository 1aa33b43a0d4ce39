import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// The emulators themselves speak each API's wire format (what `inkbridge demo`
/// and every connector test rely on), checked with raw requests over libcurl.
final class CRMEmulatorWireTests: XCTestCase {
    var http: CurlTransport!

    override func setUp() { http = CurlTransport() }
    override func tearDown() { http.shutdown() }

    func send(_ method: String, _ url: String, headers: [(name: String, value: String)] = [], body: String? = nil) async throws -> HTTPResponse {
        try await http.send(HTTPRequest(method: method, url: url, headers: headers, body: body.map { Array($0.utf8) },
                                        timeout: 5, guardAddresses: false))
    }

    func testSalesforceTokenEndpointAndRecordRead() async throws {
        let sf = try SalesforceEmulator()
        defer { sf.stop() }
        sf.seedDemoRecords()
        let form = [("Content-Type", "application/x-www-form-urlencoded")]
        let bad = try await send("POST", sf.tokenURL, headers: form, body: "grant_type=client_credentials&client_id=x&client_secret=y")
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(bad.bodyText, #"{"error":"invalid_client_id","error_description":"client identifier invalid"}"#)
        let json = try await send("POST", sf.tokenURL, headers: [("Content-Type", "application/json")], body: "{}")
        XCTAssertEqual(try JSONParser.parse(json.body)["error"], "unsupported_grant_type")

        let ok = try await send("POST", sf.tokenURL, headers: form, body: "grant_type=client_credentials&client_id="
                                + sf.credentials.clientID + "&client_secret=" + sf.credentials.clientSecret)
        XCTAssertEqual(ok.status, 200)
        let answer = try JSONParser.parse(ok.body)
        XCTAssertEqual(answer.objectValue?.keys, ["access_token", "signature", "scope", "instance_url", "id", "token_type", "issued_at"])
        XCTAssertEqual(answer["token_type"], "Bearer")
        let token = try XCTUnwrap(answer["access_token"]?.stringValue)

        let url = sf.baseURL + "/services/data/v60.0/sobjects/Opportunity/006Dn00000AbCdEIAV"
        let anonymous = try await send("GET", url)
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(anonymous.bodyText, #"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#)
        XCTAssertEqual(anonymous.header("WWW-Authenticate"), "Token")

        let read = try await send("GET", url, headers: [("Authorization", "Bearer \(token)")])
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(read.bodyText, #"{"attributes":{"type":"Opportunity","url":"/services/data/v60.0/sobjects/Opportunity/006Dn00000AbCdEIAV"},"#
                           + #""Id":"006Dn00000AbCdEIAV","Name":"Acme Manufacturing - Gold Support","StageName":"Negotiation/Review","Amount":45000}"#)
        XCTAssertEqual(read.header("Sforce-Limit-Info"), "api-usage=2/15000")

        let wrongExtID = try await send("PATCH", sf.baseURL + "/services/data/v60.0/sobjects/Opportunity/Name/x",
                                        headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: "{}")
        XCTAssertEqual(wrongExtID.status, 404)
        XCTAssertEqual(wrongExtID.bodyText, #"[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]"#)
    }

    func testSalesforceUpsertWithSeveralMatchesAnswers300() async throws {
        let sf = try SalesforceEmulator()
        defer { sf.stop() }
        sf.seed("Opportunity", fields: JSONObject([("Contract_Id__c", "dup")]))
        sf.seed("Opportunity", fields: JSONObject([("Contract_Id__c", "dup")]))
        let form = "grant_type=client_credentials&client_id=\(sf.credentials.clientID)&client_secret=\(sf.credentials.clientSecret)"
        let token = try JSONParser.parse(try await send("POST", sf.tokenURL, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: form).body)["access_token"]!.stringValue!
        let r = try await send("PATCH", sf.baseURL + "/services/data/v60.0/sobjects/Opportunity/Contract_Id__c/dup",
                               headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: #"{"Amount":1}"#)
        XCTAssertEqual(r.status, 300)
        XCTAssertEqual(try JSONParser.parse(r.body).arrayValue?.count, 2)
    }

    func testHubSpotHeadersErrorShapeAndRead() async throws {
        let hs = try HubSpotEmulator()
        defer { hs.stop() }
        hs.seedDemoRecords()
        let anonymous = try await send("GET", hs.baseURL + "/crm/v3/objects/deals/18250467321")
        XCTAssertEqual(anonymous.status, 401)
        let error = try JSONParser.parse(anonymous.body)
        XCTAssertEqual(error.objectValue?.keys, ["status", "message", "correlationId", "category"])
        XCTAssertEqual(error["category"], "INVALID_AUTHENTICATION")

        let read = try await send("GET", hs.baseURL + "/crm/v3/objects/deals/18250467321", headers: [("Authorization", "Bearer \(hs.accessToken)")])
        XCTAssertEqual(read.status, 200)
        let deal = try JSONParser.parse(read.body)
        XCTAssertEqual(deal["id"], "18250467321")
        XCTAssertEqual(deal[path: "properties.dealstage"], "contractsent")
        XCTAssertEqual(deal[path: "properties.hs_object_id"], "18250467321")
        XCTAssertEqual(read.header("X-HubSpot-RateLimit-Max"), "100")
        XCTAssertEqual(read.header("X-HubSpot-RateLimit-Remaining"), "99")
        XCTAssertEqual(read.header("X-HubSpot-RateLimit-Interval-Milliseconds"), "10000")
        XCTAssertEqual(read.header("X-HubSpot-RateLimit-Daily-Remaining"), "249999")

        let notUnique = try await send("POST", hs.baseURL + "/crm/v3/objects/deals/batch/upsert",
                                       headers: [("Authorization", "Bearer \(hs.accessToken)"), ("Content-Type", "application/json")],
                                       body: #"{"inputs":[{"idProperty":"dealname","id":"x","properties":{}}]}"#)
        XCTAssertEqual(notUnique.status, 400)
        XCTAssertEqual(try JSONParser.parse(notUnique.body)["category"], "VALIDATION_ERROR")
    }

    func testHubSpotWindowRefusesWith429AndHubSpotsBody() async throws {
        var c = HubSpotEmulator.Configuration()
        c.windowMax = 2
        let hs = try HubSpotEmulator(c)
        defer { hs.stop() }
        let auth = [(name: "Authorization", value: "Bearer \(hs.accessToken)")]
        for _ in 0..<2 { _ = try await send("GET", hs.baseURL + "/crm/v3/objects/deals/1", headers: auth) }
        let refused = try await send("GET", hs.baseURL + "/crm/v3/objects/deals/1", headers: auth)
        XCTAssertEqual(refused.status, 429)
        XCTAssertEqual(refused.header("X-HubSpot-RateLimit-Remaining"), "0")
        let body = try JSONParser.parse(refused.body)
        XCTAssertEqual(body["errorType"], "RATE_LIMIT")
        XCTAssertEqual(body["policyName"], "TEN_SECONDLY_ROLLING")
        XCTAssertEqual(body["message"], "You have reached your ten_secondly_rolling limit.")
    }
}
