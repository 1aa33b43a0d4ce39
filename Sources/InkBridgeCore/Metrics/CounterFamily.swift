import Synchronization

/// A monotonically increasing counter per label set (Prometheus `counter`).
/// Label values are given in the order of `labelNames`.
public final class CounterFamily: Sendable {
    public let name: String
    public let help: String
    public let labelNames: [String]
    /// Label values -> count. A lock, not atomics: label sets appear at run time.
    private let values = Mutex<[[String]: Double]>([:])

    public init(name: String, help: String, labelNames: [String] = []) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    public func increment(_ labels: [String] = [], by amount: Double = 1) {
        precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)")
        precondition(amount >= 0, "a counter only goes up")
        values.withLock { $0[labels, default: 0] += amount }
    }

    public func value(_ labels: [String] = []) -> Double { values.withLock { $0[labels] ?? 0 } }

    /// Every label set with its count, sorted by label values (a stable exposition).
    public func snapshot() -> [(labels: [String], value: Double)] {
        values.withLock { $0.map { ($0.key, $0.value) } }.sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
    }
}
