import Foundation

/// What every suite shares: the options, the scratch directory, the report,
/// and the nginx sink (started once, on first use, stopped at the end).
final class BenchContext {
    let options: BenchOptions
    let workspace: Workspace
    var report: Report
    private var sink: NginxSink?

    var scale: Scale { options.scale }

    init(options: BenchOptions, workspace: Workspace, report: Report) {
        self.options = options
        self.workspace = workspace
        self.report = report
    }

    func nginx() throws(BenchError) -> NginxSink {
        if let sink, sink.child.isRunning { return sink }
        let s = try NginxSink(workspace: workspace)
        sink = s
        return s
    }

    /// A diagnostic's event count: `INKBRIDGE_<NAME>_EVENTS` (5,000 under callgrind), else
    /// 5,000 with `--quick`, else `full`.
    func diagnosticCount(_ name: String, full: Int) -> Int {
        ProcessInfo.processInfo.environment["INKBRIDGE_\(name)_EVENTS"].flatMap(Int.init) ?? (options.quick ? 5_000 : full)
    }

    func stopAll() {
        sink?.stop()
        sink = nil
        ChildRegistry.shared.terminateAll()
    }

    /// A progress line on standard error (standard output carries the table).
    static func log(_ s: String) {
        FileHandle.standardError.write(Data(("bench: " + s + "\n").utf8))
    }
}

/// Shared arithmetic of the suites.
enum Stats {
    /// The value at fraction `q` (0...1) of sorted values, nearest rank.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(sorted.count - 1, max(0, rank))]
    }

    static func percent(_ v: Double) -> String { String(format: "%.0f%%", v) }
}
