import Foundation
import InkBridgeCore

/// How a mapped value is formatted before it is written (`"format"` in a
/// `{"path": P, "format": F}` mapping). Only dates are reformatted: CRMs take
/// every other value as the event carries it.
///
/// - `date`: `YYYY-MM-DD`. From a plain date (unchanged) or an RFC 3339
///   date-time, whose calendar date is taken *as written* (the offset is not
///   applied: `2026-11-21T23:30:00-05:00` gives `2026-11-21`), because a CRM
///   date field has no time zone and the sender's date is the one meant.
/// - `datetime`: RFC 3339 in UTC with milliseconds (`2026-11-21T10:15:00.000Z`),
///   what Salesforce datetime fields take. A plain date becomes midnight UTC.
/// - `epoch_ms`: milliseconds since 1970 as an integer, what HubSpot date and
///   datetime properties take. A plain date becomes midnight UTC (HubSpot
///   requires date properties at midnight UTC).
enum ValueFormat: String, Sendable, CaseIterable {
    case date
    case datetime
    case epochMillis = "epoch_ms"

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The formatted value, or nil when `value` is not a date or date-time.
    func apply(_ value: JSON) -> JSON? {
        guard let text = value.stringValue else { return nil }
        let plainDate = RFC3339.parseDate(text)
        let instant = plainDate ?? RFC3339.parse(text)
        guard let instant else { return nil }
        switch self {
        case .date:
            // Either form starts with the calendar date, validated by the parse above.
            return .string(String(text.prefix(10)))
        case .datetime:
            return .string(RFC3339.format(instant))
        case .epochMillis:
            return JSON(Int64((instant.timeIntervalSince1970 * 1000).rounded(.down)))
        }
    }
}
