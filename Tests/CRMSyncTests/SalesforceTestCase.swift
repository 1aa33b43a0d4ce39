import CRMSync
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// A Salesforce emulator, the real libcurl transport and helpers to build
/// `crm.salesforce` connectors against them through the config loader.
class SalesforceTestCase: XCTestCase {
    var sf: SalesforceEmulator!
    var http: CurlTransport!

    /// Status picklist values the tests map contract statuses to.
    static let stageMap = #"{"sent": "Proposal/Price Quote", "signed": "Negotiation/Review", "executed": "Closed Won", "renewed": "Closed Won"}"#
    static let fields = """
        {"Contract_Status__c": "contract.status", "Amount": "contract.value.amount",
         "StageName": {"path": "contract.status", "map": \(stageMap)},
         "Contract_Expiry__c": {"path": "contract.expiry_date", "format": "date"}}
        """

    override func setUpWithError() throws {
        sf = try SalesforceEmulator(emulatorConfiguration())
        sf.seedDemoRecords()
        http = CurlTransport()
    }

    override func tearDown() {
        sf?.stop()
        http?.shutdown()
    }

    /// Overridden by suites that need a different org.
    func emulatorConfiguration() -> SalesforceEmulator.Configuration { SalesforceEmulator.Configuration() }

    var env: [String: String] {
        ["SF_ID": sf.credentials.clientID, "SF_SECRET": sf.credentials.clientSecret, "SF_REFRESH": sf.credentials.refreshToken]
    }

    /// A `crm.salesforce` connector on the emulator; `target` is the record_ref/upsert part of the settings.
    func connector(target: String = #""record_ref": "contract.customer.crm_ref""#, fields: String = SalesforceTestCase.fields,
                   extraSettings: String = "", refreshToken: Bool = false) throws -> any Connector {
        let secrets = refreshToken
            ? #"{"client_id": {"env": "SF_ID"}, "client_secret": {"env": "SF_SECRET"}, "refresh_token": {"env": "SF_REFRESH"}}"#
            : #"{"client_id": {"env": "SF_ID"}, "client_secret": {"env": "SF_SECRET"}}"#
        let text = """
            {"id": "crm", "type": "crm.salesforce",
             "settings": {"instance_url": "\(sf.baseURL)", "object": "Opportunity", \(target), \(extraSettings)
                          "fields": \(fields)},
             "secrets": \(secrets)}
            """
        return try CRMFixtures.connector(CRMFixtures.load(connectors: text, env: env), http: http)
    }

    /// The token the emulator issued, read from the first data request.
    func bearer(_ r: CapturedRequest) -> String { r.header("Authorization") ?? "<none>" }

    func assertSuccess(_ outcome: DeliveryOutcome, status: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(outcome.kind, .success, "\(outcome.error?.description ?? "")", file: file, line: line)
        XCTAssertEqual(outcome.httpStatus, status, file: file, line: line)
    }
}
