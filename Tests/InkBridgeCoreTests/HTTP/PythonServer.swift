import Foundation
import InkBridgeSandbox

/// A Python script acting as a server for what libmicrohttpd cannot do (1xx
/// with headers, TLS). The script prints its port once it listens and exits
/// by itself after one connection.
final class PythonServer {
    let process = Process()
    let port: Int

    init(script: String, arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadCorruptFile)
        }
        self.port = port
    }

    /// True once the script ended on its own.
    func exited() async -> Bool {
        await eventually { [process] in !process.isRunning }
    }

    deinit {
        // SIGKILL: the pyenv shim chain may not pass SIGTERM on.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
