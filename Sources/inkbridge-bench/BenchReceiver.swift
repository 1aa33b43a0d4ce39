import Dispatch
import MicroHTTP
import Synchronization

/// A webhook receiver inside the harness, on `MicroHTTPServer`: answers 204,
/// optionally after a delay (the slow tenant of the fairness suite), and can
/// record when each event arrived (the latency suite: nginx cannot log
/// per-event arrival times with microsecond resolution).
final class BenchReceiver {
    let server: MicroHTTPServer
    let recorder: ArrivalRecorder?

    var url: String { "http://127.0.0.1:\(server.port)/hook" }

    init(recorder: ArrivalRecorder? = nil, delay: Double = 0) throws(BenchError) {
        self.recorder = recorder
        let delayNanos = UInt64(delay * 1e9)
        do {
            server = try MicroHTTPServer(host: "127.0.0.1", port: 0) { request in
                // The arrival is the moment the whole request reached the receiver, before any delay.
                recorder?.record(request.body)
                if delayNanos > 0 { try? await Task.sleep(nanoseconds: delayNanos) }
                return HTTPServerResponse(status: 204)
            }
        } catch {
            throw BenchError("cannot start the harness's receiver: \(error)")
        }
    }

    func stop() { server.stop() }
}

/// Arrival times (`DispatchTime` nanoseconds) by event number, for bodies that
/// start with `{"id":"<prefix><number>"`. Written from the receiver's handler
/// tasks, read by the harness: the arrays are behind a lock.
final class ArrivalRecorder: Sendable {
    private let prefix: [UInt8]
    private let arrivals: Mutex<[UInt64]>
    /// Bodies whose id matched, including repeats (a repeat keeps the first arrival).
    let matched = Atomic<Int>(0)

    init(prefix: String, capacity: Int) {
        self.prefix = Array(prefix.utf8)
        arrivals = Mutex([UInt64](repeating: 0, count: capacity))
    }

    func record(_ body: [UInt8]) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard let n = EventFactory.number(in: body, prefix: prefix) else { return }
        matched.add(1, ordering: .relaxed)
        arrivals.withLock { a in
            if n < a.count && a[n] == 0 { a[n] = now }
        }
    }

    func snapshot() -> [UInt64] { arrivals.withLock { $0 } }
}
