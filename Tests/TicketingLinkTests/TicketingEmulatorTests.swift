import XCTest
import InkBridgeCore
import InkBridgeSandbox

/// The emulators behave like the real APIs where the connectors rely on it (wire-formats 3-5):
/// authentication, pagination, error shapes. Plain HTTP through libcurl, no connector involved.
final class TicketingEmulatorTests: XCTestCase {
    let transport = CurlTransport()

    override func tearDown() { transport.shutdown() }

    func send(_ method: String, _ url: String, auth: String?, body: JSON? = nil) async throws -> (Int, JSON?, HTTPResponse) {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let auth { headers.append(("Authorization", auth)) }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body?.serialized(), timeout: 10, allowPrivate: true)
        let response = try await transport.send(request)
        return (response.status, try? JSONParser.parse(response.body), response)
    }

    func basic(_ user: String, _ password: String) -> String { "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() }

    func testZendeskAuthPaginationAndTags() async throws {
        var config = ZendeskEmulator.Configuration()
        config.maxPageSize = 2
        let zd = try ZendeskEmulator(config)
        defer { zd.stop() }
        zd.addOrganization(ZendeskOrganization(id: 1, name: "A"))
        for id in 1...3 { zd.addTicket(ZendeskTicket(id: Int64(id), organizationID: 1, status: id == 3 ? "closed" : "open", tags: ["a"])) }
        let auth = basic("\(config.email)/token", config.apiToken)

        let (denied, deniedBody, _) = try await send("GET", zd.baseURL + "/api/v2/organizations/1.json", auth: basic(config.email, config.apiToken))
        XCTAssertEqual(denied, 401, "a token without the /token suffix on the email is refused")
        XCTAssertEqual(deniedBody, ["error": "Couldn't authenticate you"])

        let (_, page1, _) = try await send("GET", zd.baseURL + "/api/v2/organizations/1/tickets.json?page%5Bsize%5D=100", auth: auth)
        XCTAssertEqual(page1?["tickets"]?.arrayValue?.count, 2)
        XCTAssertEqual(page1?[path: "meta.has_more"], true)
        let next = try XCTUnwrap(page1?[path: "links.next"]?.stringValue)
        XCTAssertTrue(next.hasPrefix(zd.baseURL + "/api/v2/organizations/1/tickets.json?page[size]=100&page[after]="), next)
        let after = try XCTUnwrap(page1?[path: "meta.after_cursor"]?.stringValue)
        let (_, page2, _) = try await send("GET", zd.baseURL + "/api/v2/organizations/1/tickets.json?page%5Bsize%5D=100&page%5Bafter%5D=\(after)", auth: auth)
        XCTAssertEqual(page2?["tickets"]?.arrayValue?.compactMap { $0["id"] }, [3])
        XCTAssertEqual(page2?[path: "meta.has_more"], false)

        let (_, offset, _) = try await send("GET", zd.baseURL + "/api/v2/organizations/1/tickets.json?per_page=2", auth: auth)
        XCTAssertEqual(offset?["count"], 3)
        XCTAssertEqual(offset?["next_page"]?.stringValue, zd.baseURL + "/api/v2/organizations/1/tickets.json?page=2&per_page=2")

        let (_, added, _) = try await send("PUT", zd.baseURL + "/api/v2/tickets/1/tags.json", auth: auth, body: ["tags": ["B", "a"]])
        XCTAssertEqual(added, ["tags": ["a", "b"]], "added once, lower-cased")
        let (_, removed, _) = try await send("DELETE", zd.baseURL + "/api/v2/tickets/1/tags.json", auth: auth, body: ["tags": ["a"]])
        XCTAssertEqual(removed, ["tags": ["b"]])
        let (closed, closedBody, _) = try await send("PUT", zd.baseURL + "/api/v2/tickets/3.json", auth: auth, body: ["ticket": ["priority": "high"]])
        XCTAssertEqual(closed, 422)
        XCTAssertEqual(closedBody?["error"], "RecordInvalid")
    }

    func testJiraSearchContractAndErrorShapes() async throws {
        var config = JiraEmulator.Configuration()
        config.maxPageSize = 1
        let jira = try JiraEmulator(config)
        defer { jira.stop() }
        jira.addOrganization(JiraOrganization(id: 5, name: "Acme"))
        jira.addIssue(JiraIssue(id: 1, key: "SD-1", organizationIDs: [5]))
        jira.addIssue(JiraIssue(id: 2, key: "SD-2", organizationIDs: [5], statusCategory: .done))
        let auth = basic(config.email, config.apiToken)
        let url = jira.baseURL + "/rest/api/3/search/jql"

        let (status, body, _) = try await send("POST", url, auth: auth, body: ["jql": "organizations = \"Acme\" AND statusCategory != Done"])
        XCTAssertEqual(status, 200)
        XCTAssertEqual(body?["issues"]?.arrayValue?.compactMap { $0["key"] }, ["SD-1"])
        XCTAssertEqual(body?["isLast"], true)
        XCTAssertNil(body?["nextPageToken"], "Jira leaves the token out of the last page")

        let (legacy, legacyBody, _) = try await send("POST", url, auth: auth, body: ["jql": "organizations = 5", "startAt": 0])
        XCTAssertEqual(legacy, 400)
        XCTAssertEqual(legacyBody?["errorMessages"], ["Invalid request payload. Refer to the REST API documentation and try again."])
        let (badJQL, _, _) = try await send("POST", url, auth: auth, body: ["jql": "project = SD OR priority = High"])
        XCTAssertEqual(badJQL, 400)

        let (noURL, noURLBody, _) = try await send("POST", jira.baseURL + "/rest/api/3/issue/SD-1/remotelink", auth: auth,
                                                   body: ["globalId": "g", "object": ["title": "x"]])
        XCTAssertEqual(noURL, 400)
        XCTAssertEqual(noURLBody?[path: "errors.url"], "'url' is required.")
        let (unauth, _, response) = try await send("PUT", jira.baseURL + "/rest/api/3/issue/SD-1/properties/k", auth: basic(config.email, "nope"), body: ["a": 1])
        XCTAssertEqual(unauth, 401)
        XCTAssertEqual(response.bodyText, "Client must be authenticated to access this resource.")
    }

    func testServiceNowTableAPIShapes() async throws {
        let sn = try ServiceNowEmulator()
        defer { sn.stop() }
        let url = sn.baseURL + "/api/now/table/service_entitlement"
        let (unauth, unauthBody, _) = try await send("GET", url, auth: nil)
        XCTAssertEqual(unauth, 401)
        XCTAssertEqual(unauthBody, ["error": ["message": "User Not Authenticated", "detail": "Required to provide Auth information"], "status": "failure"])

        let auth = basic(sn.configuration.username, sn.configuration.password)
        let (created, createdBody, response) = try await send("POST", url, auth: auth, body: ["correlation_id": "k^1", "active": true, "n": 3])
        XCTAssertEqual(created, 201)
        let sysID = try XCTUnwrap(createdBody?[path: "result.sys_id"]?.stringValue)
        XCTAssertEqual(response.header("Location"), "\(url)/\(sysID)")
        XCTAssertEqual(createdBody?[path: "result.active"], "true", "every value comes back as a string")
        sn.addRecord("service_entitlement", fields: ["correlation_id": "k^1", "active": "false"])

        let query = "correlation_id=k^^1^active=true".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let (_, found, listResponse) = try await send("GET", "\(url)?sysparm_query=\(query)&sysparm_limit=1", auth: auth)
        XCTAssertEqual(found?["result"]?.arrayValue?.compactMap { $0["sys_id"] }, [.string(sysID)])
        XCTAssertEqual(listResponse.header("X-Total-Count"), "1")
        let (missing, missingBody, _) = try await send("PATCH", "\(url)/0000", auth: auth, body: ["active": "false"])
        XCTAssertEqual(missing, 404)
        XCTAssertEqual(missingBody?[path: "error.message"], "No Record found")
    }
}
