import Foundation
import XCTest

/// Runs the curl command-line tool; returns its stdout and exit status.
func runCurl(_ arguments: [String], stdin: Data? = nil) throws -> (output: Data, status: Int32) {
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
        let thread = Thread { writer.write(stdin); try? writer.close() }
        thread.start()
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (data, process.terminationStatus)
}
