import Foundation
import InkBridgeCore

/// Everything the Salesforce emulator remembers. One lock guards it all:
/// the server answers on several threads, tests read concurrently, and no
/// section does I/O or awaits while holding it.
final class SalesforceEmulatorState: @unchecked Sendable {
    private let lock = NSLock()
    let schemas: [String: SalesforceObjectSchema]
    let credentials: SalesforceEmulator.Credentials

    // Guarded by `lock`:
    private var records: [String: [SalesforceRecord]] = [:]
    private var nextID = 1
    /// Issued access tokens and their expiry (nil: until `expireAllTokens`).
    private var tokens: [String: Date?] = [:]
    private var tokenLifetime: TimeInterval?
    private var tokenRequests = 0
    private var tokensInFlight = 0
    private var maxTokensInFlight = 0
    private var apiCalls = 0
    private var faults: [SalesforceEndpoint: [SalesforceFault]] = [:]

    init(schemas: [SalesforceObjectSchema], credentials: SalesforceEmulator.Credentials, tokenLifetime: TimeInterval?) {
        self.schemas = Dictionary(schemas.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.credentials = credentials
        self.tokenLifetime = tokenLifetime
    }

    // MARK: tokens

    func tokenRequestStarted() {
        lock.withLock {
            tokenRequests += 1
            tokensInFlight += 1
            maxTokensInFlight = max(maxTokensInFlight, tokensInFlight)
        }
    }

    func tokenRequestFinished() { lock.withLock { tokensInFlight -= 1 } }

    var tokenRequestCount: Int { lock.withLock { tokenRequests } }
    var maxConcurrentTokenRequests: Int { lock.withLock { maxTokensInFlight } }

    func issueToken() -> String {
        let token = "00DSBX0000000001!" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        lock.withLock { tokens[token] = tokenLifetime.map { Date().addingTimeInterval($0) } }
        return token
    }

    func isValid(token: String) -> Bool {
        lock.withLock {
            guard let entry = tokens[token] else { return false }
            return entry.map { Date() < $0 } ?? true
        }
    }

    func expireAllTokens() { lock.withLock { tokens.removeAll() } }

    func setTokenLifetime(_ seconds: TimeInterval?) { lock.withLock { tokenLifetime = seconds } }

    // MARK: faults and counters

    func enqueue(_ fault: SalesforceFault, count: Int, on endpoint: SalesforceEndpoint) {
        lock.withLock { faults[endpoint, default: []] += Array(repeating: fault, count: count) }
    }

    func nextFault(_ endpoint: SalesforceEndpoint) -> SalesforceFault? {
        lock.withLock { faults[endpoint]?.isEmpty == false ? faults[endpoint]!.removeFirst() : nil }
    }

    /// Counts one REST call; the value goes into `Sforce-Limit-Info`.
    func countAPICall() -> Int { lock.withLock { apiCalls += 1; return apiCalls } }

    // MARK: records

    func record(_ object: String, id: String) -> SalesforceRecord? {
        lock.withLock { records[object]?.first { $0.id == id } }
    }

    func records(_ object: String) -> [SalesforceRecord] { lock.withLock { records[object] ?? [] } }

    func records(_ object: String, where field: String, equals value: String) -> [SalesforceRecord] {
        lock.withLock { (records[object] ?? []).filter { $0.fields[field]?.scalarText == value } }
    }

    /// Creates a record; `id` nil makes an 18-character id with the type's prefix.
    func create(_ object: String, fields: JSONObject, id: String? = nil) -> SalesforceRecord {
        lock.withLock {
            let record = SalesforceRecord(id: id ?? makeID(object), fields: fields)
            records[object, default: []].append(record)
            return record
        }
    }

    /// Writes `fields` over the record's; false when there is no such record.
    func update(_ object: String, id: String, fields: JSONObject) -> Bool {
        lock.withLock {
            guard let i = records[object]?.firstIndex(where: { $0.id == id }) else { return false }
            for (k, v) in fields.entries { records[object]![i].fields[k] = v }
            return true
        }
    }

    /// Upsert by external id in one locked step, so two concurrent upserts of
    /// the same key cannot both create: answers the record and whether it is new,
    /// or the ids of several matches.
    func upsert(_ object: String, field: String, value: String, fields: JSONObject) -> (SalesforceRecord?, created: Bool, matches: [String]) {
        lock.withLock {
            let matches = (records[object] ?? []).filter { $0.fields[field]?.scalarText == value }
            if matches.count > 1 { return (nil, false, matches.map(\.id)) }
            if let existing = matches.first, let i = records[object]!.firstIndex(where: { $0.id == existing.id }) {
                for (k, v) in fields.entries { records[object]![i].fields[k] = v }
                return (records[object]![i], false, [existing.id])
            }
            var all = JSONObject([(field, .string(value))])
            for (k, v) in fields.entries { all[k] = v }
            let record = SalesforceRecord(id: makeID(object), fields: all)
            records[object, default: []].append(record)
            return (record, true, [])
        }
    }

    /// An 18-character id with the type's key prefix. Call with `lock` held.
    private func makeID(_ object: String) -> String {
        defer { nextID += 1 }
        return (schemas[object]?.keyPrefix ?? "a00") + "SBX" + String(format: "%09d", nextID) + "AAA"
    }
}
