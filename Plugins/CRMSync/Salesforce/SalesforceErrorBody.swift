import InkBridgeCore

/// Salesforce's REST error answer (wire-formats 1.5): a JSON array of
/// `{"message", "errorCode", "fields"}`. Anything else (an HTML error page
/// from a proxy, an empty body) yields no entries.
struct SalesforceErrorBody: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        let errorCode: String
        let message: String
        let fields: [String]
    }

    let entries: [Entry]

    init(_ body: [UInt8]) {
        guard let list = (try? JSONParser.parse(body))?.arrayValue else { entries = []; return }
        entries = list.compactMap { item in
            guard let o = item.objectValue else { return nil }
            let code = o["errorCode"]?.stringValue ?? "UNKNOWN"
            let message = o["message"]?.stringValue ?? ""
            let fields = o["fields"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return Entry(errorCode: code, message: message, fields: fields)
        }
    }

    func contains(_ code: String) -> Bool { entries.contains { $0.errorCode == code } }

    /// `INVALID_FIELD: No such column 'Foo__c' on sobject of type Opportunity (fields: Foo__c)`,
    /// several joined with `; `. Nil when the body had no entries.
    var summary: String? {
        guard !entries.isEmpty else { return nil }
        return entries.map { e in
            var s = "\(e.errorCode): \(e.message)"
            if !e.fields.isEmpty { s += " (fields: \(e.fields.joined(separator: ", ")))" }
            return s
        }.joined(separator: "; ")
    }
}
