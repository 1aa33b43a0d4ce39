import Foundation
import InkBridgeCore

/// One measured figure. A figure with a target carries the ratio the target is about and whether it passed.
struct Figure {
    let suite: String
    let name: String
    let value: Double
    let unit: String
    var ratio: Double?
    var target: String?
    var pass: Bool?
}

/// Everything one run measured: figures, how they were counted, and suites that failed.
struct Report {
    let machine: Machine
    let quick: Bool
    private(set) var figures: [Figure] = []
    /// Per suite: how its figures were counted, and what else was seen (CPU shares, prep times).
    private(set) var notes: [(suite: String, text: String)] = []
    private(set) var failures: [(suite: String, message: String)] = []
    /// Per suite, the highest CPU share (percent of one CPU) taken by processes the harness did not start.
    private(set) var foreignLoad: [(suite: String, percent: Double)] = []

    init(machine: Machine, quick: Bool) {
        self.machine = machine
        self.quick = quick
    }

    mutating func add(_ suite: String, _ name: String, _ value: Double, _ unit: String) {
        figures.append(Figure(suite: suite, name: name, value: value, unit: unit))
    }

    /// A figure judged against a target: `ratio` is what the target bounds (`atLeast` or, with `atMost`, from above).
    mutating func judge(_ suite: String, _ name: String, _ value: Double, _ unit: String, ratio: Double?, target: String,
                        pass: Bool) {
        figures.append(Figure(suite: suite, name: name, value: value, unit: unit, ratio: ratio, target: target, pass: pass))
    }

    mutating func note(_ suite: String, _ text: String) { notes.append((suite, text)) }

    /// Records what other processes used during a suite's measurement; a large share marks its figures as noisy.
    mutating func foreign(_ suite: String, _ percent: Double) {
        if let i = foreignLoad.firstIndex(where: { $0.suite == suite }) {
            foreignLoad[i].percent = max(foreignLoad[i].percent, percent)
        } else {
            foreignLoad.append((suite, percent))
        }
    }

    /// A warning when other processes took a fifth of a CPU or more during some suite.
    func foreignLoadWarning() -> String? {
        let busy = foreignLoad.filter { $0.percent >= 20 }
        guard !busy.isEmpty else { return nil }
        return "WARNING: other processes shared the machine during " + busy.map { "\($0.suite) (\(Stats.percent($0.percent)) of one CPU)" }
            .joined(separator: ", ") + "; their figures are pessimistic: rerun on a quiet machine to compare"
    }
    mutating func fail(_ suite: String, _ message: String) { failures.append((suite, message)) }

    func value(_ name: String) -> Double? { figures.last { $0.name == name }?.value }

    // MARK: Output

    func table() -> String {
        var rows: [[String]] = [["suite", "figure", "value", "ratio", "target", "result"]]
        for f in figures {
            rows.append([f.suite, f.name, Self.format(f.value) + (f.unit.isEmpty ? "" : " " + f.unit),
                         f.ratio.map { String(format: "%.3f", $0) } ?? "", f.target ?? "",
                         f.pass.map { $0 ? "pass" : "FAIL" } ?? ""])
        }
        for f in failures { rows.append([f.suite, "(suite failed)", "", "", "", "ERROR"]) }
        let widths = (0..<6).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = ""
        for (i, row) in rows.enumerated() {
            out += row.enumerated().map { c, cell in cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: " | ") + "\n"
            if i == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-") + "\n" }
        }
        return out
    }

    func notesText() -> String {
        var out = ""
        if let w = foreignLoadWarning() { out += w + "\n" }
        for n in notes { out += "[\(n.suite)] \(n.text)\n" }
        for f in failures { out += "[\(f.suite)] FAILED: \(f.message)\n" }
        return out
    }

    func json() -> JSON {
        var suites = JSONObject()
        for f in figures {
            var s = suites[f.suite]?.objectValue ?? JSONObject()
            s[f.name] = Self.number(f.value)
            suites[f.suite] = .object(s)
        }
        let figureList: [JSON] = figures.map { f in
            var o = JSONObject([("suite", .string(f.suite)), ("name", .string(f.name)), ("value", Self.number(f.value)),
                                ("unit", .string(f.unit))])
            if let r = f.ratio { o["ratio"] = Self.number(r) }
            if let t = f.target { o["target"] = .string(t) }
            if let p = f.pass { o["pass"] = .bool(p) }
            return .object(o)
        }
        var notesBySuite = JSONObject()
        for n in notes {
            notesBySuite[n.suite] = .array((notesBySuite[n.suite]?.arrayValue ?? []) + [.string(n.text)])
        }
        return .object(JSONObject([
            ("date", .string(machine.date)),
            ("quick", .bool(quick)),
            ("machine", machine.json),
            ("suites", .object(suites)),
            ("figures", .array(figureList)),
            ("notes", .object(notesBySuite)),
            ("other_processes_cpu_percent", .object(JSONObject(foreignLoad.map { ($0.suite, Self.number($0.percent.rounded())) }))),
            ("failures", .array(failures.map { .object(JSONObject([("suite", .string($0.suite)), ("message", .string($0.message))])) })),
        ]))
    }

    static func number(_ v: Double) -> JSON {
        guard v.isFinite else { return .null }
        if v.rounded() == v && abs(v) < 1e15 { return .number(String(Int64(v))) }
        return .number(String(format: "%.4f", v))
    }

    static func format(_ v: Double) -> String {
        if !v.isFinite { return "-" }
        if abs(v) >= 100 { return Self.grouped(Int64(v.rounded())) }
        if v.rounded() == v { return String(Int64(v)) }
        return String(format: "%.2f", v)
    }

    static func grouped(_ n: Int64) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
