import Foundation
import InkBridgeCore
import Synchronization

/// Everything the Salesforce emulator remembers. One mutex guards it all:
/// the server answers on several threads, tests read concurrently, and no
/// section does I/O or awaits while holding it.
final class SalesforceEmulatorState: Sendable {
    let schemas: [String: SalesforceObjectSchema]
    let credentials: SalesforceEmulator.Credentials

    private struct Memory {
        var records: [String: [SalesforceRecord]] = [:]
        var nextID = 1
        /// Issued access tokens and their expiry (nil: until `expireAllTokens`).
        var tokens: [String: Date?] = [:]
        var tokenLifetime: TimeInterval?
        var tokenRequests = 0
        var tokensInFlight = 0
        var maxTokensInFlight = 0
        var apiCalls = 0
        var faults: [SalesforceEndpoint: [SalesforceFault]] = [:]

        /// An 18-character id with the type's key prefix.
        mutating func makeID(prefix: String) -> String {
            defer { nextID += 1 }
            return prefix + "SBX" + String(format: "%09d", nextID) + "AAA"
        }
    }

    private let memory: Mutex<Memory>

    init(schemas: [SalesforceObjectSchema], credentials: SalesforceEmulator.Credentials, tokenLifetime: TimeInterval?) {
        self.schemas = Dictionary(schemas.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.credentials = credentials
        var m = Memory()
        m.tokenLifetime = tokenLifetime
        self.memory = Mutex(m)
    }

    private func prefix(_ object: String) -> String { schemas[object]?.keyPrefix ?? "a00" }

    // MARK: tokens

    func tokenRequestStarted() {
        memory.withLock { m in
            m.tokenRequests += 1
            m.tokensInFlight += 1
            m.maxTokensInFlight = max(m.maxTokensInFlight, m.tokensInFlight)
        }
    }

    func tokenRequestFinished() { memory.withLock { $0.tokensInFlight -= 1 } }

    var tokenRequestCount: Int { memory.withLock { $0.tokenRequests } }
    var maxConcurrentTokenRequests: Int { memory.withLock { $0.maxTokensInFlight } }

    func issueToken() -> String {
        let token = "00DSBX0000000001!" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        memory.withLock { m in
            // updateValue: assigning a nil expiry through the subscript would remove the token.
            _ = m.tokens.updateValue(m.tokenLifetime.map { Date().addingTimeInterval($0) }, forKey: token)
        }
        return token
    }

    func isValid(token: String) -> Bool {
        memory.withLock { m in
            guard let entry = m.tokens[token] else { return false }
            return entry.map { Date() < $0 } ?? true
        }
    }

    func expireAllTokens() { memory.withLock { $0.tokens.removeAll() } }

    func setTokenLifetime(_ seconds: TimeInterval?) { memory.withLock { $0.tokenLifetime = seconds } }

    // MARK: faults and counters

    func enqueue(_ fault: SalesforceFault, count: Int, on endpoint: SalesforceEndpoint) {
        memory.withLock { $0.faults[endpoint, default: []] += Array(repeating: fault, count: count) }
    }

    func nextFault(_ endpoint: SalesforceEndpoint) -> SalesforceFault? {
        memory.withLock { m in m.faults[endpoint]?.isEmpty == false ? m.faults[endpoint]!.removeFirst() : nil }
    }

    /// Counts one REST call; the value goes into `Sforce-Limit-Info`.
    func countAPICall() -> Int { memory.withLock { m in m.apiCalls += 1; return m.apiCalls } }

    // MARK: records

    func record(_ object: String, id: String) -> SalesforceRecord? {
        memory.withLock { $0.records[object]?.first { $0.id == id } }
    }

    func records(_ object: String) -> [SalesforceRecord] { memory.withLock { $0.records[object] ?? [] } }

    func records(_ object: String, where field: String, equals value: String) -> [SalesforceRecord] {
        memory.withLock { ($0.records[object] ?? []).filter { $0.fields[field]?.scalarText == value } }
    }

    /// Creates a record; `id` nil makes an 18-character id with the type's prefix.
    func create(_ object: String, fields: JSONObject, id: String? = nil) -> SalesforceRecord {
        let prefix = prefix(object)
        return memory.withLock { m in
            let record = SalesforceRecord(id: id ?? m.makeID(prefix: prefix), fields: fields)
            m.records[object, default: []].append(record)
            return record
        }
    }

    /// Writes `fields` over the record's; false when there is no such record.
    func update(_ object: String, id: String, fields: JSONObject) -> Bool {
        memory.withLock { m in
            guard let i = m.records[object]?.firstIndex(where: { $0.id == id }) else { return false }
            for (k, v) in fields.entries { m.records[object]![i].fields[k] = v }
            return true
        }
    }

    /// Upsert by external id in one locked step, so two concurrent upserts of
    /// the same key cannot both create: answers the record and whether it is new,
    /// or (record nil) the ids of several matches.
    func upsert(_ object: String, field: String, value: String, fields: JSONObject) -> (SalesforceRecord?, created: Bool, matches: [String]) {
        let prefix = prefix(object)
        return memory.withLock { m in
            let matches = (m.records[object] ?? []).indices.filter { m.records[object]![$0].fields[field]?.scalarText == value }
            if matches.count > 1 { return (nil, false, matches.map { m.records[object]![$0].id }) }
            if let i = matches.first {
                for (k, v) in fields.entries { m.records[object]![i].fields[k] = v }
                return (m.records[object]![i], false, [])
            }
            var all = JSONObject([(field, .string(value))])
            for (k, v) in fields.entries { all[k] = v }
            let record = SalesforceRecord(id: m.makeID(prefix: prefix), fields: all)
            m.records[object, default: []].append(record)
            return (record, true, [])
        }
    }
}
