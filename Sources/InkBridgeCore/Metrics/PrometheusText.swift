import Foundation

/// Writes the Prometheus text exposition format (version 0.0.4): a `# HELP`
/// and `# TYPE` line per family, then one line per sample.
public struct PrometheusText: Sendable {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public private(set) var text = ""

    public init() {}

    public mutating func counter(_ family: CounterFamily) {
        header(family.name, family.help, "counter")
        for s in family.snapshot() { sample(family.name, family.labelNames, s.labels, s.value) }
    }

    public mutating func histogram(_ family: HistogramFamily) {
        header(family.name, family.help, "histogram")
        let names = family.labelNames + ["le"]
        for s in family.snapshot() {
            for (i, n) in s.value.cumulative.enumerated() {
                let le = i < family.bounds.count ? Self.number(family.bounds[i]) : "+Inf"
                sample(family.name + "_bucket", names, s.labels + [le], Double(n))
            }
            sample(family.name + "_sum", family.labelNames, s.labels, s.value.sum)
            sample(family.name + "_count", family.labelNames, s.labels, Double(s.value.count))
        }
    }

    /// A gauge whose samples the caller computed (store counts at scrape time).
    public mutating func gauge(_ name: String, help: String, labelNames: [String] = [], samples: [(labels: [String], value: Double)]) {
        header(name, help, "gauge")
        for s in samples { sample(name, labelNames, s.labels, s.value) }
    }

    private mutating func header(_ name: String, _ help: String, _ type: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(type)\n"
    }

    private mutating func sample(_ name: String, _ labelNames: [String], _ labels: [String], _ value: Double) {
        text += name
        if !labelNames.isEmpty {
            text += "{" + zip(labelNames, labels).map { "\($0)=\"\(Self.escapeLabel($1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.number(value) + "\n"
    }

    /// Integers without a fraction; otherwise Swift's shortest round-trip form.
    static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    /// Label values escape backslash, double quote and line feed.
    static func escapeLabel(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// Help text escapes backslash and line feed.
    static func escapeHelp(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
