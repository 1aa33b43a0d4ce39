import CRMSync
import Foundation
import InkBridgeCore
import InkBridgeSandbox
import XCTest

/// The CRM connectors driven by the real dispatcher and store: supersede, stale, token expiry, crash.
final class CRMDispatchTests: XCTestCase {
    var sf: SalesforceEmulator!

    override func setUpWithError() throws {
        sf = try SalesforceEmulator()
        sf.seedDemoRecords()
    }

    override func tearDown() { sf?.stop() }

    static let registry = ConnectorRegistry(CRMSync.plugins)

    func config(target: String = #""record_ref": "contract.customer.crm_ref""#, schedule: String = "[0.05, 0.05, 0.05, 0.05, 0.05]") -> String {
        """
        {"version":1,"network":{"allow_private":true},"tenants":[{"id":"acme","api_keys":[{"sha256":"\(String(repeating: "0", count: 64))"}],
         "connectors":[{"id":"crm","type":"crm.salesforce","retry":{"schedule":\(schedule)},"concurrency":64,
           "settings":{"instance_url":"\(sf.baseURL)","object":"Opportunity",\(target),
                       "fields":{"Contract_Status__c":"contract.status","Amount":"contract.value.amount"}},
           "secrets":{"client_id":{"env":"SF_ID"},"client_secret":{"env":"SF_SECRET"}}}]}]}
        """
    }

    var env: [String: String] { ["SF_ID": sf.credentials.clientID, "SF_SECRET": sf.credentials.clientSecret] }

    func event(_ seq: Int, status: String, contract: String = "ctr_42", amount: String = "48000.00") -> String {
        """
        {"id":"evt_\(contract)_\(seq)","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z",
         "contract":{"id":"\(contract)","sequence":\(seq),"status":"\(status)","customer":{"id":"cust_9","crm_ref":"006Dn00000AbCdEIAV"},
                     "value":{"amount":"\(amount)","currency":"USD"}}}
        """
    }

    var dataPatches: [CapturedRequest] { sf.requests.all.filter { $0.method == "PATCH" } }

    func testOlderStatusArrivingLateIsStaleAndNeverSent() async throws {
        let hub = try await SandboxHub(config: config(), registry: Self.registry, environment: env)
        let three = try await hub.emit(tenant: "acme", event(3, status: "executed", amount: "50000.00"))
        let done = await hub.waitForDelivery(three[0].deliveries[0].id) { $0.summary.state == .succeeded }
        XCTAssertEqual(done?.summary.state, .succeeded)
        let two = try await hub.emit(tenant: "acme", event(2, status: "signed", amount: "1.00"))
        await hub.stop()
        XCTAssertEqual(two[0].deliveries[0].state, .stale)
        XCTAssertEqual(sf.record("Opportunity", id: "006Dn00000AbCdEIAV")?.fields["Contract_Status__c"], "executed")
        XCTAssertEqual(dataPatches.count, 1, "the stale status never reached Salesforce")
    }

    func testWhileTheCRMFailsOnlyTheNewestQueuedStatusIsSentAfterRecovery() async throws {
        sf.failNext(3, with: .serviceUnavailable())
        let hub = try await SandboxHub(config: config(schedule: "[0.4, 0.4, 0.4, 0.4, 0.4]"), registry: Self.registry, environment: env)
        let first = try await hub.emit(tenant: "acme", event(1, status: "sent"))
        // Sequence 1 is failing; 2, 3 and 4 queue up behind it.
        var later: [String] = []
        for (seq, status) in [(2, "signed"), (3, "executed"), (4, "renewed")] {
            later.append(try await hub.emit(tenant: "acme", event(seq, status: status))[0].deliveries[0].id)
        }
        let last = await hub.waitForDelivery(later[2], timeout: 15) { $0.summary.state == .succeeded }
        let firstState = try await hub.store.delivery(tenant: "acme", id: first[0].deliveries[0].id)?.summary.state
        let middle = [try await hub.store.delivery(tenant: "acme", id: later[0])?.summary.state,
                      try await hub.store.delivery(tenant: "acme", id: later[1])?.summary.state]
        await hub.stop()
        XCTAssertEqual(last?.summary.state, .succeeded)
        XCTAssertEqual(middle, [.superseded, .superseded])
        XCTAssertEqual(firstState, .superseded, "a failing older status is not retried once a newer one is queued")
        let written = dataPatches.compactMap { $0.bodyJSON?["Contract_Status__c"]?.stringValue }
        XCTAssertFalse(written.contains("signed") || written.contains("executed"), "superseded statuses never reach Salesforce: \(written)")
        XCTAssertEqual(written.last, "renewed")
        XCTAssertEqual(sf.record("Opportunity", id: "006Dn00000AbCdEIAV")?.fields["Contract_Status__c"], "renewed")
    }

    func testTokenExpiryMidRunRefreshesOnceAndLosesNothing() async throws {
        let hub = try await SandboxHub(config: config(target: #""upsert":{"field":"Contract_Id__c","path":"contract.id"}"#),
                                       registry: Self.registry, environment: env)
        let warmup = try await hub.emit(tenant: "acme", event(1, status: "sent", contract: "warm"))
        _ = await hub.waitForDelivery(warmup[0].deliveries[0].id) { $0.summary.state == .succeeded }
        let tokensBefore = sf.tokenRequestCount
        sf.expireAllTokens()
        let batch = "[" + (0..<60).map { event(1, status: "executed", contract: "c\($0)") }.joined(separator: ",") + "]"
        let outcomes = try await hub.emit(tenant: "acme", batch)
        var states: [DeliveryState] = []
        for o in outcomes {
            states.append(await hub.waitForDelivery(o.deliveries[0].id) { $0.summary.state.isTerminal }?.summary.state ?? .pending)
        }
        await hub.stop()
        XCTAssertEqual(Set(states), [.succeeded], "no delivery lost")
        XCTAssertEqual(sf.tokenRequestCount - tokensBefore, 1, "exactly one token refresh for 60 concurrent deliveries")
        XCTAssertEqual(sf.records("Opportunity").filter { $0.fields["Contract_Id__c"]?.stringValue?.hasPrefix("c") == true }.count, 60)
    }

    func testUpsertAfterACrashBetweenAttemptAndAcknowledgementCreatesNoDuplicate() async throws {
        let dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-crm-crash")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = config(target: #""upsert":{"field":"Contract_Id__c","path":"contract.id"}"#)
        let loaded = try ConfigLoader(registry: Self.registry, resolver: SecretResolver(environment: env)).load(bytes: Array(cfg.utf8))
        // First life: the attempt reaches Salesforce, then the process dies before recording it.
        do {
            let store = try SQLiteEventStore(path: dir + "/hub.db")
            let transport = CurlTransport()
            let hub = Hub(store: store, registry: Self.registry, transport: transport)
            try await hub.apply(loaded)
            _ = try await hub.ingest(tenant: "acme", events: try EventValidator.parseBody(Array(event(1, status: "executed", contract: "ctr_new").utf8)).get())
            let key = ConnectorKey(tenant: "acme", connector: "crm")
            let claimed = try await store.claimDue(key, now: Date(), limit: 1)
            let connector = try CRMSync.plugins[0].makeConnector(loaded.config.tenants[0].connectors[0], secrets: loaded.secrets[key]!,
                context: ConnectorContext(http: transport, network: NetworkPolicy(allowPrivate: true), timeout: 10, tenantID: "acme",
                                          connectorID: "crm", temporaryDirectory: dir))
            let outcome = await connector.deliver(Delivery(id: claimed[0].id, tenantID: "acme", connectorID: "crm", event: claimed[0].event, attempt: 1))
            XCTAssertEqual(outcome.httpStatus, 201, "created on the first attempt")
            transport.shutdown()
            store.close()
        }
        // Second life on the same store: the in-flight delivery is retried with the same upsert key.
        let hub = try await SandboxHub(config: cfg, registry: Self.registry, environment: env, directory: dir)
        let page = try await hub.store.deliveries(DeliveryQuery(tenant: "acme"))
        let done = await hub.waitForDelivery(page.items[0].id) { $0.summary.state == .succeeded }
        await hub.stop()
        XCTAssertEqual(done?.summary.state, .succeeded)
        XCTAssertEqual(sf.records("Opportunity", where: "Contract_Id__c", equals: "ctr_new").count, 1, "never a duplicate")
        XCTAssertEqual(dataPatches.count, 2, "the same upsert, sent again after the crash")
        XCTAssertEqual(Set(dataPatches.map(\.path)).count, 1, "both by the external id")
    }
}
