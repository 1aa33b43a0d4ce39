import Foundation

/// Reads of /proc: CPU time, peak resident memory, children.
enum ProcStat {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Fields after the command name (which may hold spaces): index 0 is the state (field 3 of proc(5)).
    private static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// User + system CPU seconds used by the process so far.
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let f = statFields(pid), f.count > 12, let u = Double(f[11]), let s = Double(f[12]) else { return 0 }
        return (u + s) / ticksPerSecond
    }

    static func isZombie(_ pid: Int32) -> Bool { statFields(pid)?.first == "Z" }

    /// CPU seconds all processes spent since boot: user, nice and system time from /proc/stat, the
    /// same kinds of time a process's own stat counts (interrupt and softirq time, charged to no
    /// process, and steal are left out, so "other processes" is only other processes).
    static func machineBusySeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return 0 }
        let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard v.count >= 3 else { return 0 }
        return (v[0] + v[1] + v[2]) / ticksPerSecond
    }

    /// Direct children of `pid` (nginx's workers).
    static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }.filter { child in
            guard let f = statFields(child), f.count > 1 else { return false }
            return Int32(f[1]) == pid
        }
    }

    /// VmHWM (peak resident set) in KiB.
    static func peakRSSKiB(_ pid: Int32) -> Int? { statusValue(pid, "VmHWM:") }
    static func rssKiB(_ pid: Int32) -> Int? { statusValue(pid, "VmRSS:") }

    private static func statusValue(_ pid: Int32, _ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }
}

/// CPU seconds used by a set of processes (or, with no pids, the whole machine) over an interval,
/// as a share of one CPU.
struct CPUMeter {
    private let pids: [Int32]?
    private let startCPU: [Double]
    private let startTime: Date

    init(_ pids: [Int32]) {
        self.pids = pids
        startCPU = pids.map(ProcStat.cpuSeconds)
        startTime = Date()
    }

    /// Every process on the machine: the harness's own processes subtracted from it give the
    /// load of whatever else shares the machine (the noise behind a surprising figure).
    static func machine() -> CPUMeter { CPUMeter(all: ()) }

    private init(all: Void) {
        pids = nil
        startCPU = [ProcStat.machineBusySeconds()]
        startTime = Date()
    }

    /// Percent of one CPU since `init` (200% = both CPUs of a two-CPU machine).
    func percent() -> Double {
        let elapsed = Date().timeIntervalSince(startTime)
        guard elapsed > 0 else { return 0 }
        let used: Double
        if let pids {
            used = zip(pids, startCPU).map { ProcStat.cpuSeconds($0) - $1 }.reduce(0, +)
        } else {
            used = ProcStat.machineBusySeconds() - startCPU[0]
        }
        return used / elapsed * 100
    }
}
