import Foundation
import InkBridgeSandbox
import Synchronization

/// The real `inkbridge serve` binary, on a loopback port the OS chose
/// (`--listen 127.0.0.1:0`; the port is read from its start-up line).
final class ServeProcess: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case binaryMissing(String)
        case didNotStart(String)
        var description: String {
            switch self {
            case .binaryMissing(let p): return "no inkbridge binary at \(p): run `swift build --build-tests` first"
            case .didNotStart(let log): return "inkbridge serve did not start:\n\(log)"
            }
        }
    }

    let process: Process
    let port: UInt16
    /// Everything written to standard error so far.
    private let log = Locked("")

    var pid: Int32 { process.processIdentifier }
    var stderr: String { log.value }

    init(config: String, store: String, environment: [String: String], startTimeout: Double = 30) throws {
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
            log.update { $0 += String(decoding: data, as: UTF8.self) }
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

    /// A temporary directory with the two-tenant connectors.json of `APITestHub` (webhooks to a closed port).
    static func makeDirectory() throws -> (directory: String, config: String) {
        let dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-e2e")
        try APITestHub.signingSecret.write(toFile: dir + "/signing_secret", atomically: true, encoding: .utf8)
        let config = dir + "/connectors.json"
        try APITestHub.config(directory: dir, webhookURL: APITestHub.closedURL, retry: [60])
            .write(toFile: config, atomically: true, encoding: .utf8)
        return (dir, config)
    }

    static func port(in log: String) -> UInt16? {
        guard let range = log.range(of: "listening on http://127.0.0.1:") else { return nil }
        return UInt16(log[range.upperBound...].prefix { $0.isNumber })
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// The exit status once the process ended, nil if it still runs after `timeout` seconds.
    func waitForExit(timeout: Double) -> (status: Int32, signalled: Bool)? {
        guard waitUntil(timeout: timeout, { !process.isRunning }) else { return nil }
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A value shared between threads behind a lock (a class, so closures can hold it).
final class Locked<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value { storage.withLock { $0 } }
    @discardableResult
    func update<R: Sendable>(_ body: (inout Value) -> R) -> R { storage.withLock { body(&$0) } }
}
