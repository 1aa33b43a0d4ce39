import CRMSync
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// A HubSpot emulator, the real libcurl transport and helpers to build
/// `crm.hubspot` connectors against them through the config loader.
class HubSpotTestCase: XCTestCase {
    var hs: HubSpotEmulator!
    var http: CurlTransport!

    static let fields = """
        {"contract_status": "contract.status", "amount": "contract.value.amount",
         "dealstage": {"path": "contract.status", "map": {"sent": "contractsent", "signed": "contractsent", "executed": "closedwon",
                                                          "renewed": "closedwon"}},
         "contract_expiry_date": {"path": "contract.expiry_date", "format": "epoch_ms"}}
        """

    override func setUpWithError() throws {
        hs = try HubSpotEmulator(emulatorConfiguration())
        hs.seedDemoRecords()
        http = CurlTransport()
    }

    override func tearDown() {
        hs?.stop()
        http?.shutdown()
    }

    func emulatorConfiguration() -> HubSpotEmulator.Configuration { HubSpotEmulator.Configuration() }

    /// A `crm.hubspot` connector; `target` is the record_ref/upsert part of the settings.
    func connector(target: String = #""record_ref": "contract.customer.crm_ref""#, fields: String = HubSpotTestCase.fields,
                   options: String = "") throws -> any Connector {
        let text = """
            {"id": "crm", "type": "crm.hubspot", \(options)
             "settings": {"base_url": "\(hs.baseURL)", "object_type": "deals", \(target), "fields": \(fields)},
             "secrets": {"access_token": {"env": "HS_TOKEN"}}}
            """
        return try CRMFixtures.connector(CRMFixtures.load(connectors: text, env: ["HS_TOKEN": hs.accessToken]), http: http)
    }

    /// The demo deal's id as the event's `crm_ref`.
    func event(_ status: String, _ sequence: Int, amount: String = "48000.00", expiry: String = "2027-11-30",
               contractID: String = "ctr_42") -> Delivery {
        CRMFixtures.delivery(CRMFixtures.event(status: status, sequence: sequence, amount: amount, crmRef: "18250467321",
                                               contractID: contractID, expiry: expiry))
    }

    func assertSuccess(_ outcome: DeliveryOutcome, status: Int = 200, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(outcome.kind, .success, "\(outcome.error?.description ?? "")", file: file, line: line)
        XCTAssertEqual(outcome.httpStatus, status, file: file, line: line)
    }
}
