import Foundation

/// Runs the curl command-line tool (`--silent --show-error --max-time 20` come first), for
/// tests that want a client other than our own: answers its standard output and exit status.
/// curl runs on a thread of its own, so no cooperative thread is blocked while a local
/// server (whose handlers may need one) answers it.
public func runCurl(_ arguments: [String], stdin: Data? = nil) async throws -> (output: Data, status: Int32) {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try runCurlBlocking(arguments, stdin: stdin) }) }.start()
    }
}

private func runCurlBlocking(_ arguments: [String], stdin: Data?) throws -> (output: Data, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["--silent", "--show-error", "--max-time", "20"] + arguments
    let out = Pipe()
    process.standardOutput = out
    let input = Pipe()
    if stdin != nil { process.standardInput = input }
    try process.run()
    if let stdin {
        // Written from another thread so a large body cannot deadlock against stdout.
        let writer = input.fileHandleForWriting
        Thread { writer.write(stdin); try? writer.close() }.start()
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (data, process.terminationStatus)
}
