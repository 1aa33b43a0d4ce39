import CCurl
import Foundation
import InkBridgeCore

/// Runs the selected suites in order, prints the table and writes the JSON
/// report. Everything runs on the main thread; children are stopped on any
/// way out (normal end, a failing suite, SIGINT/SIGTERM).
enum BenchMain {
    static func run(_ args: [String]) -> Int32 {
        let options: BenchOptions
        do { options = try BenchOptions.parse(args) } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            return 2
        }
        _ = curl_global_init(ib_global_default())
        signal(SIGPIPE, SIG_IGN)
        let interrupts = installInterruptHandlers()
        defer { _ = interrupts }

        let machine = Machine.current()
        let workspace: Workspace
        do { workspace = try Workspace() } catch {
            BenchContext.log(error.description)
            return 1
        }
        let ctx = BenchContext(options: options, workspace: workspace, report: Report(machine: machine, quick: options.quick))
        BenchContext.log("\(machine.summary); suites: \(options.suites.joined(separator: " "))\(options.quick ? " (quick)" : "")")
        BenchContext.log("scratch directory \(workspace.root)")
        let started = Date()
        for suite in options.suites {
            let t = Date()
            BenchContext.log("== \(suite)")
            do {
                try run(suite, ctx)
            } catch {
                ctx.report.fail(suite, error.description)
                BenchContext.log("\(suite) FAILED: \(error.description)")
            }
            BenchContext.log("== \(suite) took \(String(format: "%.1f", Date().timeIntervalSince(t))) s")
        }
        ctx.stopAll()
        ctx.report.note("run", "total \(String(format: "%.0f", Date().timeIntervalSince(started))) s")

        let table = "InkBridge benchmark, \(machine.summary)\(options.quick ? ", QUICK (smoke run, not a measurement)" : "")\n\n"
            + ctx.report.table() + "\n" + ctx.report.notesText()
        FileHandle.standardOutput.write(Data(table.utf8))
        do {
            let dir = (options.output as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            try Data(ctx.report.json().serialized() + [0x0A]).write(to: URL(fileURLWithPath: options.output))
            BenchContext.log("wrote \(options.output)")
        } catch {
            BenchContext.log("cannot write \(options.output): \(error)")
            return 1
        }
        if ctx.report.failures.isEmpty && ProcessInfo.processInfo.environment["INKBRIDGE_BENCH_KEEP"] == nil { workspace.remove() } else { BenchContext.log("kept \(workspace.root) for its logs") }
        return ctx.report.failures.isEmpty ? 0 : 1
    }

    static func run(_ suite: String, _ ctx: BenchContext) throws(BenchError) {
        switch suite {
        case "raw": try RawSuite.run(ctx)
        case "store": try StoreSuite.run(ctx)
        case "drain": try DrainSuite.run(ctx)
        case "ingest": try IngestSuite.run(ctx)
        case "latency": try LatencySuite.run(ctx)
        case "backlog": try BacklogSuite.run(ctx)
        case "fairness": try FairnessSuite.run(ctx)
        case "storepath": try StorePathSuite.run(ctx)
        case "ingestpath": try IngestPathSuite.run(ctx)
        case "apipath": try APIPathSuite.run(ctx)
        case "deliverpath": try DeliverPathSuite.run(ctx)
        default: preconditionFailure("unknown suite \(suite) passed option parsing")
        }
    }

    /// SIGINT/SIGTERM stop every child the harness started, then exit 130.
    static func installInterruptHandlers() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                BenchContext.log("interrupted: stopping nginx and hub processes")
                ChildRegistry.shared.terminateAll()
                exit(130)
            }
            source.resume()
            return source
        }
    }
}
