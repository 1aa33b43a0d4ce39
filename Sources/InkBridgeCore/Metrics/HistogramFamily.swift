import Synchronization

/// Observations per label set in fixed buckets (Prometheus `histogram`).
public final class HistogramFamily: Sendable {
    /// One label set's buckets: `counts[i]` holds observations <= `bounds[i]`
    /// that did not fit an earlier bucket; the last slot is `+Inf`.
    public struct Value: Sendable, Equatable {
        public internal(set) var counts: [UInt64]
        public internal(set) var sum: Double = 0
        public internal(set) var count: UInt64 = 0

        mutating func record(slot: Int, value: Double) {
            counts[slot] += 1
            sum += value
            count += 1
        }

        /// Counts per upper bound, cumulative as Prometheus wants them (the last is `+Inf`).
        public var cumulative: [UInt64] {
            var running: UInt64 = 0
            return counts.map { running += $0; return running }
        }
    }

    public let name: String
    public let help: String
    public let labelNames: [String]
    /// Upper bounds, ascending; `+Inf` is implicit.
    public let bounds: [Double]
    private let values = Mutex<[[String]: Value]>([:])

    /// Latency buckets from 1 ms to 60 s.
    public static let secondsBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    public init(name: String, help: String, labelNames: [String] = [], bounds: [Double] = HistogramFamily.secondsBuckets) {
        precondition(!bounds.isEmpty && zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "bounds must ascend")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.bounds = bounds
    }

    public func observe(_ value: Double, _ labels: [String] = []) {
        precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)")
        let slot = bounds.firstIndex { value <= $0 } ?? bounds.count
        let slots = bounds.count + 1
        // Updated in place: a copy taken out of the dictionary and written back copied the
        // bucket array on every observation (one per delivery).
        values.withLock { all in
            all[labels, default: Value(counts: Array(repeating: 0, count: slots))].record(slot: slot, value: value)
        }
    }

    public func value(_ labels: [String] = []) -> Value? { values.withLock { $0[labels] } }

    public func snapshot() -> [(labels: [String], value: Value)] {
        values.withLock { $0.map { ($0.key, $0.value) } }.sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
    }
}
