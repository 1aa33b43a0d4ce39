import InkBridgeCore

/// HubSpot's error answer (wire-formats 2):
/// `{"status":"error","message","correlationId","category", "errors":[...]}`,
/// and on 429 `{"errorType":"RATE_LIMIT","policyName":"SECONDLY"|"DAILY"|...}`.
/// Also reads the per-input `errors` of a batch answer (207 Multi-Status).
struct HubSpotErrorBody: Sendable, Equatable {
    let message: String?
    let category: String?
    let correlationId: String?
    let policyName: String?
    /// Per-input errors of a batch request: `category: message`.
    let batchErrors: [String]

    init(_ body: [UInt8]) {
        let o = (try? JSONParser.parse(body))?.objectValue
        message = o?["message"]?.stringValue
        category = o?["category"]?.stringValue ?? o?["errorType"]?.stringValue
        correlationId = o?["correlationId"]?.stringValue
        policyName = o?["policyName"]?.stringValue
        batchErrors = (o?["errors"]?.arrayValue ?? []).compactMap { e in
            guard let eo = e.objectValue, let m = eo["message"]?.stringValue else { return nil }
            return eo["category"]?.stringValue.map { "\($0): \(m)" } ?? m
        }
    }

    /// `VALIDATION_ERROR: Property values were not valid ... (correlationId 3f2a...)`, or nil without a body.
    var summary: String? {
        var parts: [String] = []
        if let message { parts.append(category.map { "\($0): \(message)" } ?? message) }
        if message == nil || category == nil { parts += batchErrors }
        guard !parts.isEmpty else { return nil }
        var s = parts.joined(separator: "; ")
        if let correlationId { s += " (correlationId \(correlationId))" }
        return s
    }
}
