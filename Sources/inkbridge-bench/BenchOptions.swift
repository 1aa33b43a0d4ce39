import Foundation

/// The command line of `inkbridge-bench`, and the counts and windows each suite uses.
struct BenchOptions {
    static let allSuites = ["raw", "store", "drain", "ingest", "latency", "backlog", "fairness"]
    /// Run only when named in `--only`.
    static let diagnosticSuites = ["storepath", "ingestpath", "apipath", "deliverpath"]

    var quick = false
    /// Suites to run, in `allSuites` order.
    var suites: [String] = BenchOptions.allSuites
    var hubBinary = ".build/release/inkbridge"
    var output = "bench/results/latest.json"
    /// Record `perf record -g` on the hub process during the drain and ingest suites.
    var perf = false
    /// Every benchmark connector's `concurrency` (issue 7: 64); other values are for experiments.
    var concurrency = 64
    /// wrk's connections in the ingest suite (issue 7: 64); more shows how the API holds up.
    var ingestConnections = 64
    var scale = Scale.full

    static let usage = """
        usage: inkbridge-bench [--quick] [--only SUITE[,SUITE...]] [--hub PATH] [--out PATH] [--perf] [--concurrency N]
                               [--ingest-connections N]

          suites: \(allSuites.joined(separator: " "))
          diagnostic (only with --only): storepath (the store's CPU per delivery, no HTTP),
                   ingestpath (the store's CPU per event written as the API does, no HTTP),
                   apipath (the API's CPU per POST /v1/events without sockets),
                   deliverpath (the CPU per delivery to nginx of the hub's core in this process)
          --only   runs the named suites, plus the limits their ratios need
                   (raw for drain, store for ingest)
          --quick  smaller counts and shorter windows: a smoke run, not a measurement
          --perf   perf record -g on the hub during drain and ingest (bench/results/*-perf.txt)
          --concurrency N  every connector's concurrency (default 64, as issue 7 sets; for experiments)
          --ingest-connections N  wrk's connections in the ingest suite (default 64, as issue 7 sets;
                   128 is how libmicrohttpd's epoll-mode stall was found, see bench/README.md)
        """

    static func parse(_ args: [String]) throws(BenchError) -> BenchOptions {
        var o = BenchOptions()
        var i = 0
        func value(_ name: String) throws(BenchError) -> String {
            i += 1
            guard i < args.count else { throw BenchError("\(name) needs a value") }
            return args[i]
        }
        var only: [String]?
        while i < args.count {
            switch args[i] {
            case "--quick": o.quick = true
            case "--perf": o.perf = true
            case "--only": only = try value("--only").split(separator: ",").map(String.init)
            case "--hub": o.hubBinary = try value("--hub")
            case "--out": o.output = try value("--out")
            case "--concurrency":
                guard let n = Int(try value("--concurrency")), (1...1024).contains(n) else { throw BenchError("--concurrency needs 1 to 1024") }
                o.concurrency = n
            case "--ingest-connections":
                guard let n = Int(try value("--ingest-connections")), (1...1000).contains(n) else {
                    throw BenchError("--ingest-connections needs 1 to 1000")
                }
                o.ingestConnections = n
            case "-h", "--help": throw BenchError(usage)
            default: throw BenchError("unknown argument \(args[i])\n\(usage)")
            }
            i += 1
        }
        if let only {
            for s in only where !allSuites.contains(s) && !diagnosticSuites.contains(s) {
                throw BenchError("unknown suite \(s); one of \((allSuites + diagnosticSuites).joined(separator: " "))")
            }
            var wanted = Set(only)
            if wanted.contains("drain") { wanted.insert("raw") }
            if wanted.contains("ingest") { wanted.insert("store") }
            o.suites = (allSuites + diagnosticSuites).filter { wanted.contains($0) }
        }
        o.scale = o.quick ? .quick : .full
        return o
    }
}

/// Counts and windows. `full` is the measurement of issue 7; `quick` checks the harness end to end.
struct Scale {
    /// Seconds of the raw, store and ingest windows.
    var window: Double
    /// Seconds of the raw loop against the harness's own receiver (its ceiling).
    var receiverWindow: Double
    var drainEvents: Int
    var latencyRate: Double
    var latencyDuration: Double
    var backlogSmall: Int
    var backlogLarge: Int
    /// Deliveries over which the large backlog's rate is measured (the first ones).
    var backlogLargeMeasured: Int
    var fairnessEventsPerTenant: Int
    /// Rounds of the fairness suite (alone, then with the slow tenant; the median ratio is judged).
    var rounds: Int
    /// Ingest windows, each on a fresh hub; their median is judged. Five, not three: a whole
    /// window can run on a slowed machine (the hub, nginx and wrk all need about a fifth more
    /// CPU per event in it): of three windows, two slowed ones set the median; of five, it takes three.
    var ingestRounds: Int
    /// Upper bound of any single wait for deliveries (a stuck hub fails the suite, never hangs it).
    var waitLimit: Double

    static let full = Scale(window: 10, receiverWindow: 5, drainEvents: 200_000, latencyRate: 2000, latencyDuration: 20,
                            backlogSmall: 10_000, backlogLarge: 1_000_000, backlogLargeMeasured: 100_000,
                            fairnessEventsPerTenant: 20_000, rounds: 3, ingestRounds: 5, waitLimit: 120)
    static let quick = Scale(window: 2, receiverWindow: 1, drainEvents: 10_000, latencyRate: 2000, latencyDuration: 3,
                             backlogSmall: 2_000, backlogLarge: 40_000, backlogLargeMeasured: 10_000,
                             fairnessEventsPerTenant: 500, rounds: 3, ingestRounds: 3, waitLimit: 60)
}

/// A failure of the harness or of a suite: reported, never a crash.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
