import Foundation
import InkBridgeCore

/// Everything the HubSpot emulator remembers, behind one lock (the server
/// answers on several threads; no section does I/O while holding it).
final class HubSpotEmulatorState: @unchecked Sendable {
    private let lock = NSLock()
    let schemas: [String: HubSpotObjectSchema]
    let accessTokens: Set<String>
    let windowMax: Int
    let window: TimeInterval
    let dailyLimit: Int

    // Guarded by `lock`:
    private var records: [String: [HubSpotRecord]] = [:]
    private var nextID: Int64 = 10_000_000_001
    private var faults: [HubSpotFault] = []
    /// Arrival times of the requests counted in the rolling window.
    private var recent: [Date] = []
    private var daily = 0

    init(schemas: [HubSpotObjectSchema], accessTokens: Set<String>, windowMax: Int, window: TimeInterval, dailyLimit: Int) {
        self.schemas = Dictionary(schemas.map { ($0.objectType, $0) }, uniquingKeysWith: { _, last in last })
        self.accessTokens = accessTokens
        self.windowMax = windowMax
        self.window = window
        self.dailyLimit = dailyLimit
    }

    // MARK: faults and rate limit

    func enqueue(_ fault: HubSpotFault, count: Int) {
        lock.withLock { faults += Array(repeating: fault, count: count) }
    }

    func nextFault() -> HubSpotFault? {
        lock.withLock { faults.isEmpty ? nil : faults.removeFirst() }
    }

    /// Counts a request against the rolling window: answers whether it is
    /// allowed and what remains of the window and the day afterwards.
    func admit(now: Date = Date()) -> (allowed: Bool, remaining: Int, dailyRemaining: Int) {
        lock.withLock {
            recent.removeAll { now.timeIntervalSince($0) >= window }
            guard recent.count < windowMax, daily < dailyLimit else {
                return (false, max(0, windowMax - recent.count), max(0, dailyLimit - daily))
            }
            recent.append(now)
            daily += 1
            return (true, windowMax - recent.count, dailyLimit - daily)
        }
    }

    // MARK: records

    func record(_ objectType: String, id: String) -> HubSpotRecord? {
        lock.withLock { records[objectType]?.first { $0.id == id } }
    }

    func records(_ objectType: String) -> [HubSpotRecord] { lock.withLock { records[objectType] ?? [] } }

    func create(_ objectType: String, properties: JSONObject, id: String? = nil) -> HubSpotRecord {
        lock.withLock {
            let record = HubSpotRecord(id: id ?? makeID(), properties: properties)
            records[objectType, default: []].append(record)
            return record
        }
    }

    /// Writes `properties` over the object's; nil when there is no such object.
    func update(_ objectType: String, id: String, properties: JSONObject) -> HubSpotRecord? {
        lock.withLock {
            guard let i = records[objectType]?.firstIndex(where: { $0.id == id }) else { return nil }
            for (k, v) in properties.entries { records[objectType]![i].properties[k] = v }
            records[objectType]![i].updatedAt = Date()
            return records[objectType]![i]
        }
    }

    /// Upsert by a unique property in one locked step, so concurrent upserts of
    /// one key create one object. Answers the object and whether it is new.
    func upsert(_ objectType: String, idProperty: String, id: String, properties: JSONObject) -> (HubSpotRecord, new: Bool) {
        lock.withLock {
            if let i = records[objectType]?.firstIndex(where: { $0.properties[idProperty]?.stringValue == id }) {
                for (k, v) in properties.entries { records[objectType]![i].properties[k] = v }
                records[objectType]![i].updatedAt = Date()
                return (records[objectType]![i], false)
            }
            var all = JSONObject([(idProperty, .string(id))])
            for (k, v) in properties.entries { all[k] = v }
            let record = HubSpotRecord(id: makeID(), properties: all)
            records[objectType, default: []].append(record)
            return (record, true)
        }
    }

    /// Numeric ids as HubSpot issues them. Call with `lock` held.
    private func makeID() -> String {
        defer { nextID += 1 }
        return String(nextID)
    }
}
