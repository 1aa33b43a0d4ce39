import Foundation

/// The real `inkbridge serve` binary of this build, for end-to-end and crash tests: on a
/// loopback port the OS chose (`--listen 127.0.0.1:0`; the port is read from its start-up
/// line), its standard error kept for assertions. Killed with SIGKILL if still running
/// when released.
///
/// ```swift
/// let serve = try ServeProcess(config: dir + "/connectors.json", store: dir + "/hub.db", environment: env)
/// serve.signal(SIGTERM)
/// XCTAssertEqual(serve.waitForExit(timeout: 30)?.status, 0, serve.stderr)
/// ```
public final class ServeProcess: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case binaryMissing(String)
        case didNotStart(String)
        public var description: String {
            switch self {
            case .binaryMissing(let p): return "no inkbridge binary at \(p): run `swift build --build-tests` first"
            case .didNotStart(let log): return "inkbridge serve did not start:\n\(log)"
            }
        }
    }

    public let process: Process
    public let port: UInt16
    /// Everything written to standard error so far.
    private let log = Locked("")

    public var pid: Int32 { process.processIdentifier }
    public var stderr: String { log.value }

    /// Starts `inkbridge serve` and waits (up to `startTimeout` seconds) until it listens.
    /// - Parameters:
    ///   - store: the SQLite file (`--store sqlite:<store>`).
    ///   - environment: added to this process's environment (secrets, operator token).
    public init(config: String, store: String, environment: [String: String] = [:], startTimeout: Double = 30) throws {
        let binary = SandboxPaths.inkbridgeBinary()
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw Failure.binaryMissing(binary) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--config", config, "--store", "sqlite:\(store)", "--listen", "127.0.0.1:0"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        let log = self.log
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }
            log.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        self.process = process
        // Wait (bounded) for the line that names the port.
        var port: UInt16?
        _ = waitUntil(timeout: startTimeout) {
            port = Self.port(in: log.value)
            return port != nil || !process.isRunning
        }
        guard let port else {
            if process.isRunning { process.terminate() }
            throw Failure.didNotStart(log.value)
        }
        self.port = port
    }

    static func port(in log: String) -> UInt16? {
        guard let range = log.range(of: "listening on http://127.0.0.1:") else { return nil }
        return UInt16(log[range.upperBound...].prefix { $0.isNumber })
    }

    public func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// The exit status once the process ended, nil if it still runs after `timeout` seconds.
    public func waitForExit(timeout: Double) -> (status: Int32, signalled: Bool)? {
        guard waitUntil(timeout: timeout, { !process.isRunning }) else { return nil }
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
