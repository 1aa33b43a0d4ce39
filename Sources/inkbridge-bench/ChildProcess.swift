import Foundation
import Synchronization

/// A process the harness started (nginx, a hub). Every one is registered so an
/// interrupted or failing run still stops it; started through `setpriv
/// --pdeathsig SIGTERM` when available, so even a crashed harness leaves
/// nothing running (the signal goes to the child when the starting thread
/// dies: children are started from the main thread only).
final class ChildProcess {
    let name: String
    let process: Process
    let logPath: String

    var pid: Int32 { process.processIdentifier }

    init(name: String, executable: String, arguments: [String], logPath: String, environment: [String: String]? = nil) throws(BenchError) {
        precondition(Thread.isMainThread, "children are started from the main thread (see the type's comment)")
        self.name = name
        self.logPath = logPath
        let p = Process()
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            p.arguments = ["--pdeathsig", "SIGTERM", "--", executable] + arguments
        } else {
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = arguments
        }
        if let environment { p.environment = environment }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw BenchError("cannot open log \(logPath)") }
        p.standardOutput = log
        p.standardError = log
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw BenchError("cannot start \(name) (\(executable)): \(error)") }
        process = p
        ChildRegistry.shared.add(p.processIdentifier)
    }

    var isRunning: Bool { process.isRunning }

    /// `signal` (SIGTERM), then SIGKILL after `grace` seconds; waits for the exit. Safe to call twice.
    func stop(signal: Int32 = SIGTERM, grace: Double = 15) {
        defer { ChildRegistry.shared.remove(pid) }
        guard process.isRunning else { return }
        kill(pid, signal)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            let hard = Date().addingTimeInterval(5)
            while process.isRunning && Date() < hard { usleep(20_000) }
        }
    }

    /// The last lines of the child's log, for error messages.
    func logTail(_ lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// Pids of running children, for the interrupt handler and the final clean-up.
final class ChildRegistry: Sendable {
    static let shared = ChildRegistry()
    private let pids = Mutex<Set<Int32>>([])

    func add(_ pid: Int32) { pids.withLock { _ = $0.insert(pid) } }
    func remove(_ pid: Int32) { pids.withLock { _ = $0.remove(pid) } }

    /// Terminates every registered child: SIGTERM, a bounded wait, then SIGKILL.
    func terminateAll() {
        let all = pids.withLock { p -> Set<Int32> in
            defer { p.removeAll() }
            return p
        }
        guard !all.isEmpty else { return }
        for pid in all { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(12)
        while Date() < deadline && all.contains(where: { kill($0, 0) == 0 && !ProcStat.isZombie($0) }) { usleep(50_000) }
        for pid in all where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }
}
