import XCTest
@testable import InkBridgeCore

/// The metrics registry and the Prometheus text it is exposed in.
final class MetricsTests: XCTestCase {
    func testCountersAddUpPerLabelSetAcrossThreads() async {
        let c = CounterFamily(name: "x_total", help: "X.", labelNames: ["tenant"])
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<8 {
                group.addTask { for _ in 0..<1000 { c.increment([i % 2 == 0 ? "a" : "b"]) } }
            }
        }
        XCTAssertEqual(c.value(["a"]), 4000)
        XCTAssertEqual(c.value(["b"]), 4000)
        XCTAssertEqual(c.value(["c"]), 0)
    }

    func testHistogramBucketsAreCumulativeInTheExposition() {
        let h = HistogramFamily(name: "lat_seconds", help: "Latency.", labelNames: ["op"], bounds: [0.1, 1])
        for v in [0.05, 0.1, 0.5, 2, 3] { h.observe(v, ["ingest"]) }
        var text = PrometheusText()
        text.histogram(h)
        XCTAssertEqual(text.text, """
            # HELP lat_seconds Latency.
            # TYPE lat_seconds histogram
            lat_seconds_bucket{op="ingest",le="0.1"} 2
            lat_seconds_bucket{op="ingest",le="1"} 3
            lat_seconds_bucket{op="ingest",le="+Inf"} 5
            lat_seconds_sum{op="ingest"} 5.65
            lat_seconds_count{op="ingest"} 5

            """)
    }

    func testLabelValuesAndHelpAreEscaped() {
        let c = CounterFamily(name: "y_total", help: "Line one\nback\\slash", labelNames: ["v"])
        c.increment(["a\"b\\c\nd"], by: 2.5)
        var text = PrometheusText()
        text.counter(c)
        text.gauge("g", help: "G.", samples: [([], 3)])
        XCTAssertEqual(text.text, """
            # HELP y_total Line one\\nback\\\\slash
            # TYPE y_total counter
            y_total{v="a\\"b\\\\c\\nd"} 2.5
            # HELP g G.
            # TYPE g gauge
            g 3

            """)
    }
}
