import Foundation

/// `perf record -g` attached to a running hub (`--perf`), and a flat text
/// report of it: where the hub's CPU time went during a suite.
final class PerfRecorder {
    private let child: ChildProcess?
    private let data: String

    /// Attach only once the hub's threads exist: perf follows the threads present when it attaches.
    init(pid: Int32, dir: String) {
        data = dir + "/perf.data"
        child = try? ChildProcess(name: "perf", executable: "/usr/bin/perf",
                                  arguments: ["record", "-g", "-F", "499", "-p", String(pid), "-o", data],
                                  logPath: dir + "/perf.log")
    }

    /// Stops recording (perf writes its data file on SIGINT) and writes the report to `path`.
    func finish(report path: String) {
        guard let child else { return }
        child.stop(signal: SIGINT, grace: 30)
        Self.writeReport(data: data, to: path)
        // The raw data too, for `perf report -i` by hand (kept out of git).
        let kept = (path as NSString).deletingPathExtension + ".data"
        try? FileManager.default.removeItem(atPath: kept)
        try? FileManager.default.copyItem(atPath: data, toPath: kept)
    }

    /// `perf report` of the hub, flat: by thread, then by library and symbol; to a text file.
    private static func writeReport(data: String, to path: String) {
        var text = ""
        // `pid` sorts by thread; with `dso`, the libraries each thread ran tell the SQLite writer's
        // queue, the curl loop and the Swift pool apart (their thread names are truncated alike).
        for sort in [["--sort", "pid"], ["--sort", "pid,dso", "--percent-limit", "1.5"], ["--sort", "dso,symbol"]] {
            text += runPerfReport(["report", "-i", data, "--stdio", "--no-children", "--percent-limit", "0.7", "-g", "none"] + sort)
        }
        // perf pads every line to the longest symbol; trailing blanks only make the file wide.
        let trimmed = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop { $0 == " " || $0 == "-" }.reversed()) }
            .filter { !$0.isEmpty && $0 != "#" && !$0.hasPrefix("# ..") && !$0.hasPrefix("# (Tip") && !$0.hasPrefix("# To display") }
            .joined(separator: "\n")
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? (trimmed + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    private static func runPerfReport(_ arguments: [String]) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/perf")
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return "perf report failed to start: \(error)\n" }
        // Reads to the end (perf exits when done), then reaps it.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
