import Foundation
import InkBridgeCore
import InkBridgeServer
import MicroHTTP

/// Diagnostic, not one of issue 7's suites (runs only with `--only apipath`): the hub's own
/// cost per `POST /v1/events` without the sockets: the API's responder (authentication,
/// parsing, validation, routing, the store's group commit, the answer) called in this
/// process from 64 tasks, with the ingest suite's 1.5 KiB single events and no delivery.
/// The CPU time of this process per request; under `valgrind --tool=callgrind` with
/// `INKBRIDGE_APIPATH_EVENTS=5000` it gives repeatable instruction counts.
enum APIPathSuite {
    static func run(_ ctx: BenchContext) throws(BenchError) {
        let setup = try ctx.diagnostic("apipath", tenant: "api", full: 50_000)
        let (tenant, count) = (setup.tenant, setup.count)
        let clients = 64
        // Bodies are made before the clock starts: the load generator's work is not the hub's.
        let bodies = (0..<count).map { EventFactory.bytes(id: "a\(String(format: "%012d", $0))", size: 1536) }
        let headers = [(name: "Content-Type", value: "application/json"), (name: "Authorization", value: "Bearer \(tenant.apiKey)")]
        let result: (accepted: Int, seconds: Double, cpu: Double)
        do {
            result = try blockingAwait {
                let store = try SQLiteEventStore(path: setup.db)
                defer { store.close() }
                let hub = try await BenchHub.make(store: store, config: setup.config, transport: NullTransport())
                let responder = APIServer(hub: hub, operatorToken: nil, reload: nil).responder
                let cpuBefore = ProcStat.cpuSeconds(getpid())
                let start = DispatchTime.now().uptimeNanoseconds
                let accepted = await withTaskGroup(of: Int.self) { group in
                    for client in 0..<clients {
                        group.addTask {
                            var ok = 0
                            for n in stride(from: client, to: count, by: clients) {
                                let request = HTTPServerRequest(method: "POST", path: "/v1/events", headers: headers, body: bodies[n])
                                if await responder.respond(request).status == 202 { ok += 1 }
                            }
                            return ok
                        }
                    }
                    return await group.reduce(0, +)
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                return (accepted, seconds, ProcStat.cpuSeconds(getpid()) - cpuBefore)
            }
        } catch { throw BenchError("apipath: \(error)") }
        guard result.accepted == count else { throw BenchError("apipath: \(result.accepted) of \(count) requests answered 202") }
        ctx.report.add("apipath", "apipath_cpu_us", result.cpu / Double(count) * 1e6, "µs/request")
        ctx.report.note("apipath", "\(count) POST /v1/events of 1.5 KiB single events from \(clients) tasks through the API's responder, "
                        + "no sockets, no delivery: \(String(format: "%.2f", result.seconds)) s, "
                        + "\(String(format: "%.1f", result.cpu / Double(count) * 1e6)) µs of CPU each")
    }
}
