import InkBridgeCore

/// Why an event could not be turned into a CRM write: names the event path
/// (and the field) so the user can fix either the event or the mapping.
/// Holds event data only, never a secret.
struct MappingFailure: Error, Sendable, Equatable, CustomStringConvertible {
    let code: String
    let message: String

    static func missing(_ path: String, field: String?) -> MappingFailure {
        let target = field.map { " (mapped to \($0))" } ?? ""
        return MappingFailure(code: "missing_value", message: "event has no value at \(path)\(target)")
    }

    static func invalid(_ path: String, field: String?, _ reason: String) -> MappingFailure {
        let target = field.map { " (mapped to \($0))" } ?? ""
        return MappingFailure(code: "invalid_value", message: "value at \(path)\(target) \(reason)")
    }

    var description: String { "\(code): \(message)" }

    /// The delivery outcome: a mapping failure never heals by retrying.
    var outcome: DeliveryOutcome { .permanent(code, message) }
}
