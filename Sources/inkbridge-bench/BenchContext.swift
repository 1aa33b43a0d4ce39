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

    /// What a diagnostic starts from: a scratch directory named after it, one tenant with one
    /// webhook connector (to `url`) in a hub configuration written there, and its event count:
    /// `INKBRIDGE_<NAME>_EVENTS` (5,000 under callgrind), else 5,000 with `--quick`, else `full`.
    func diagnostic(_ name: String, tenant id: String, url: String = "http://127.0.0.1:9/", concurrency: Int = 64,
                    full: Int) throws(BenchError) -> Diagnostic {
        let dir = try workspace.directory(name)
        let tenant = BenchTenant(id: id, url: url, concurrency: concurrency)
        let config = try BenchHubConfig.write([tenant], dir: dir)
        let count = ProcessInfo.processInfo.environment["INKBRIDGE_\(name.uppercased())_EVENTS"].flatMap(Int.init)
            ?? (options.quick ? 5_000 : full)
        return Diagnostic(name: name, tenant: tenant, config: config, db: dir + "/hub.db", count: count)
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

    /// The middle value (the mean of the two middle ones for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

/// A diagnostic's set-up (`BenchContext.diagnostic`).
struct Diagnostic {
    let name: String
    let tenant: BenchTenant
    /// The hub configuration's path.
    let config: String
    /// The hub database's path.
    let db: String
    let count: Int

    /// Stores `count` events of `size` bytes for the tenant, in-process, before the measured part.
    func preload(size: Int) throws(BenchError) {
        do {
            _ = try Preloader.load(store: db, config: config, jobs: [.init(tenant: tenant, prefix: "e", count: count, size: size)])
        } catch { throw BenchError("\(name) preload: \(error)") }
    }
}
