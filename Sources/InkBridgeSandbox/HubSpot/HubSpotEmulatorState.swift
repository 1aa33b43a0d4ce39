import Foundation
import InkBridgeCore
import Synchronization

/// Everything the HubSpot emulator remembers, behind one mutex (the server
/// answers on several threads; no section does I/O while holding it).
final class HubSpotEmulatorState: Sendable {
    let schemas: [String: HubSpotObjectSchema]
    let accessTokens: Set<String>
    let windowMax: Int
    let window: TimeInterval
    let dailyLimit: Int

    private struct Memory {
        var records: [String: [HubSpotRecord]] = [:]
        var nextID: Int64 = 10_000_000_001
        var faults: [HubSpotFault] = []
        /// Arrival times of the requests counted in the rolling window.
        var recent: [Date] = []
        var daily = 0

        /// Numeric ids as HubSpot issues them.
        mutating func makeID() -> String {
            defer { nextID += 1 }
            return String(nextID)
        }
    }

    private let memory = Mutex(Memory())

    init(schemas: [HubSpotObjectSchema], accessTokens: Set<String>, windowMax: Int, window: TimeInterval, dailyLimit: Int) {
        self.schemas = Dictionary(schemas.map { ($0.objectType, $0) }, uniquingKeysWith: { _, last in last })
        self.accessTokens = accessTokens
        self.windowMax = windowMax
        self.window = window
        self.dailyLimit = dailyLimit
    }

    // MARK: faults and rate limit

    func enqueue(_ fault: HubSpotFault, count: Int) {
        memory.withLock { $0.faults += Array(repeating: fault, count: count) }
    }

    func nextFault() -> HubSpotFault? {
        memory.withLock { $0.faults.isEmpty ? nil : $0.faults.removeFirst() }
    }

    /// Counts a request against the rolling window and the day: answers whether
    /// it is allowed and what remains of each afterwards.
    func admit(now: Date = Date()) -> (allowed: Bool, remaining: Int, dailyRemaining: Int) {
        let (window, windowMax, dailyLimit) = (self.window, self.windowMax, self.dailyLimit)
        return memory.withLock { m in
            m.recent.removeAll { now.timeIntervalSince($0) >= window }
            guard m.recent.count < windowMax, m.daily < dailyLimit else {
                return (false, max(0, windowMax - m.recent.count), max(0, dailyLimit - m.daily))
            }
            m.recent.append(now)
            m.daily += 1
            return (true, windowMax - m.recent.count, dailyLimit - m.daily)
        }
    }

    // MARK: records

    func record(_ objectType: String, id: String) -> HubSpotRecord? {
        memory.withLock { $0.records[objectType]?.first { $0.id == id } }
    }

    func records(_ objectType: String) -> [HubSpotRecord] { memory.withLock { $0.records[objectType] ?? [] } }

    func create(_ objectType: String, properties: JSONObject, id: String? = nil) -> HubSpotRecord {
        memory.withLock { m in
            let record = HubSpotRecord(id: id ?? m.makeID(), properties: properties)
            m.records[objectType, default: []].append(record)
            return record
        }
    }

    /// Writes `properties` over the object's; nil when there is no such object.
    func update(_ objectType: String, id: String, properties: JSONObject) -> HubSpotRecord? {
        memory.withLock { m in
            guard let i = m.records[objectType]?.firstIndex(where: { $0.id == id }) else { return nil }
            for (k, v) in properties.entries { m.records[objectType]![i].properties[k] = v }
            m.records[objectType]![i].updatedAt = Date()
            return m.records[objectType]![i]
        }
    }

    /// Upsert by a unique property in one locked step, so concurrent upserts of
    /// one key create one object. Answers the object and whether it is new.
    func upsert(_ objectType: String, idProperty: String, id: String, properties: JSONObject) -> (HubSpotRecord, new: Bool) {
        memory.withLock { m in
            if let i = m.records[objectType]?.firstIndex(where: { $0.properties[idProperty]?.stringValue == id }) {
                for (k, v) in properties.entries { m.records[objectType]![i].properties[k] = v }
                m.records[objectType]![i].updatedAt = Date()
                return (m.records[objectType]![i], false)
            }
            var all = JSONObject([(idProperty, .string(id))])
            for (k, v) in properties.entries { all[k] = v }
            let record = HubSpotRecord(id: m.makeID(), properties: all)
            m.records[objectType, default: []].append(record)
            return (record, true)
        }
    }
}
