import Foundation

/// The directory where `inkbridge serve` keeps files that live only while a delivery runs
/// (a document being archived: tens of MiB). It is `inkbridge-spool-<pid>` under the system's
/// temporary directory (`TMPDIR`), so a process killed in the middle of a download leaves its
/// files in a directory that names it: the next hub to start removes every spool directory whose
/// process is gone, and a clean stop removes its own.
public struct SpoolDirectory: Sendable {
    public static let prefix = "inkbridge-spool-"
    public let path: String

    /// Creates this process's spool directory (emptied, should a dead process with the same pid
    /// have left one) after removing the spool directories of processes that no longer run.
    public static func claim(under base: String = NSTemporaryDirectory()) throws -> SpoolDirectory {
        let files = FileManager.default
        let own = getpid()
        for name in (try? files.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid > 0 else { continue }
            if pid == own || !isRunning(pid) {
                try? files.removeItem(atPath: (base as NSString).appendingPathComponent(name))
            }
        }
        let path = (base as NSString).appendingPathComponent("\(prefix)\(own)")
        try files.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return SpoolDirectory(path: path)
    }

    /// Removes the directory and what is left in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `kill(pid, 0)` fails with ESRCH only when no such process exists (EPERM: it runs as another user).
    static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }
}
