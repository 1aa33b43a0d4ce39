import Foundation

/// The in-memory state of the ServiceNow emulator.
struct ServiceNowEmulatorState: Sendable {
    var tables: [String: [ServiceNowRecord]] = [:]
    var tokens: [String: Date] = [:]
    var tokenRequests = 0
    var nextSysID = 1

    /// Adds a record under a new `sys_id` (32 hex digits, as ServiceNow's are).
    mutating func insert(_ table: String, fields: [String: String], createdBy: String?) -> ServiceNowRecord {
        let sysID = String(format: "%032x", nextSysID)
        nextSysID += 1
        var all = fields
        all["sys_id"] = sysID
        if let createdBy { all["sys_created_by"] = createdBy }
        let record = ServiceNowRecord(sysID: sysID, fields: all)
        tables[table, default: []].append(record)
        return record
    }
}
