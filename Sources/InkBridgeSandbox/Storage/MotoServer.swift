import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real S3 implementation for tests: moto's server (Python), installed by
/// `scripts/moto.sh` into the project's `.venv/`, started on 127.0.0.1 on a
/// free port and stopped by `stop()`.
///
/// Not Sendable: one test class owns it, starts it in `setUp` and stops it in `tearDown`.
public final class MotoServer {
    public let port: UInt16
    private let process: Process
    public let logPath: String

    /// `moto_server` in the nearest `.venv/` above the current directory or
    /// this source file (the package root), or `$INKBRIDGE_MOTO_SERVER`.
    public static func locate(sourceFile: String = #filePath) -> String? {
        if let explicit = ProcessInfo.processInfo.environment["INKBRIDGE_MOTO_SERVER"],
           FileManager.default.isExecutableFile(atPath: explicit) { return explicit }
        for start in [FileManager.default.currentDirectoryPath, (sourceFile as NSString).deletingLastPathComponent] {
            var dir = start
            while dir != "/" && !dir.isEmpty {
                let candidate = dir + "/.venv/bin/moto_server"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        return nil
    }

    /// Starts moto and waits (up to `readyWithin` seconds) until it accepts connections.
    /// - Parameter environment: extra variables, e.g. `INITIAL_NO_AUTH_ACTION_COUNT`.
    public init(executable: String, environment: [String: String] = [:], readyWithin: Double = 60) throws {
        guard let port = LoopbackPort.unused() else { throw MotoServerError("cannot bind a free port") }
        let log = NSTemporaryDirectory() + "moto-\(port)-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        let handle = FileHandle(forWritingAtPath: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.port = port
        self.process = process
        self.logPath = log
        // Polling the port: there is no event to wait on.
        let accepting = waitUntil(timeout: readyWithin) { LoopbackPort.accepts(port) || !process.isRunning }
        guard process.isRunning else {
            throw MotoServerError("moto_server exited with status \(process.terminationStatus); log: \(log)")
        }
        guard accepting else {
            stop(keepingLog: true)
            throw MotoServerError("moto_server did not accept connections on port \(port) within \(Int(readyWithin)) s; log: \(log)")
        }
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT`, for path-style S3 settings.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Kills moto and removes its log, unless `keepingLog` (the log a start-up error names).
    public func stop(keepingLog: Bool = false) {
        if process.isRunning {
            // SIGKILL, not terminate(): the child inherits the spawning thread's signal
            // mask, in which Swift's runtime has SIGTERM blocked, so SIGTERM never arrives.
            // moto keeps nothing on disk, so nothing is lost.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        if !keepingLog { try? FileManager.default.removeItem(atPath: logPath) }
    }
}

public struct MotoServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
