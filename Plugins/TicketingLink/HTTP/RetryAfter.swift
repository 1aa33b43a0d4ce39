import Foundation
import InkBridgeCore

/// Reads `Retry-After` (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date.
enum RetryAfter {
    /// SPEC section 5: a server's wish is honoured up to one hour.
    static let cap: Double = 3600

    /// The earliest time to try again, or nil when the header is absent or unreadable.
    static func notBefore(_ header: String?, now: Date) -> Date? {
        guard let raw = header?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        if raw.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard let seconds = Double(raw) else { return nil }
            return now.addingTimeInterval(min(seconds, cap))
        }
        guard let date = parseHTTPDate(raw) else { return nil }
        let delay = min(max(date.timeIntervalSince(now), 0), cap)
        return now.addingTimeInterval(delay)
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate, the form servers must send: `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func parseHTTPDate(_ text: String) -> Date? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[0].hasSuffix(","), fields[5] == "GMT",
              let day = Int(fields[1]), let monthIndex = months.firstIndex(of: String(fields[2])), let year = Int(fields[3])
        else { return nil }
        let clock = fields[4].split(separator: ":")
        guard clock.count == 3, let h = Int(clock[0]), let m = Int(clock[1]), let s = Int(clock[2]) else { return nil }
        let iso = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", year, monthIndex + 1, day, h, m, s)
        return RFC3339.parse(iso)
    }
}
