import Foundation
import InkBridgeCore

/// One Table API record: every value a string, as the Table API stores and answers them.
public struct ServiceNowRecord: Sendable, Equatable {
    public var sysID: String
    public var fields: [String: String]

    public subscript(field: String) -> String? { fields[field] }

    var json: JSON {
        var o = JSONObject([("sys_id", .string(sysID))])
        for key in fields.keys.sorted() where key != "sys_id" { o[key] = .string(fields[key]!) }
        return .object(o)
    }
}
