import Foundation

/// The JSON shapes of SPEC section 8.1, shared by the HTTP API and the CLI.
extension IngestOutcome {
    public var json: JSON {
        .object(JSONObject([
            ("id", .string(eventID)),
            ("duplicate", .bool(duplicate)),
            ("deliveries", .array(deliveries.map { d in
                .object(JSONObject([("id", .string(d.id)), ("connector", .string(d.connector)), ("state", .string(d.state.rawValue))]))
            })),
        ]))
    }
}

extension DeliverySummary {
    public var json: JSON {
        .object(JSONObject([
            ("id", .string(id)),
            ("event_id", .string(eventID)),
            ("connector", .string(connector)),
            ("contract_id", .string(contractID)),
            ("sequence", JSON(sequence)),
            ("state", .string(state.rawValue)),
            ("attempts", JSON(attempts)),
            ("next_attempt_at", nextAttemptAt.map { .string(RFC3339.format($0)) } ?? .null),
            ("created_at", .string(RFC3339.format(createdAt))),
            ("updated_at", updatedAt.map { .string(RFC3339.format($0)) } ?? .null),
            ("last_error", lastError.map { .string($0) } ?? .null),
        ]))
    }
}

extension AttemptRecord {
    public var json: JSON {
        .object(JSONObject([
            ("number", JSON(number)),
            ("started_at", .string(RFC3339.format(startedAt))),
            ("duration_ms", JSON((durationMs * 1000).rounded() / 1000)),
            ("http_status", httpStatus.map { JSON($0) } ?? .null),
            ("error", error.map { .object(JSONObject([("code", .string($0.code)), ("message", .string($0.message))])) } ?? .null),
            ("response_excerpt", responseExcerpt.map { .string($0) } ?? .null),
        ]))
    }
}

extension DeliveryDetail {
    public var json: JSON {
        guard case .object(var o) = summary.json else { return .null }
        o["attempts"] = .array(attempts.map(\.json))
        return .object(o)
    }
}

extension StoredEvent {
    public var json: JSON {
        .object(JSONObject([
            ("id", .string(id)),
            ("received_at", .string(RFC3339.format(receivedAt))),
            ("event", (try? JSONParser.parse(raw)) ?? .null),
            ("deliveries", .array(deliveries.map { d in
                .object(JSONObject([("id", .string(d.id)), ("connector", .string(d.connector)), ("state", .string(d.state.rawValue)),
                                    ("attempts", JSON(d.attempts))]))
            })),
        ]))
    }
}

extension ContractRecord {
    public var json: JSON {
        .object(JSONObject([
            ("id", .string(id)),
            ("sequence", JSON(sequence)),
            ("status", .string(status)),
            ("updated_at", .string(RFC3339.format(updatedAt))),
            ("contract", contract),
        ]))
    }
}
