import Foundation

/// The run's scratch directory (databases, configs, logs). On the machine's
/// real disk, never a tmpfs: fsync must cost what it costs. Removed at the end;
/// kept when a suite failed, so its logs can be read.
final class Workspace {
    let root: String
    private var counter = 0

    init() throws(BenchError) {
        let base = ProcessInfo.processInfo.environment["INKBRIDGE_BENCH_DIR"] ?? NSTemporaryDirectory()
        root = (base as NSString).appendingPathComponent("inkbridge-bench-\(getpid())")
        do { try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true) } catch {
            throw BenchError("cannot create \(root): \(error)")
        }
    }

    /// A fresh sub-directory for one suite step.
    func directory(_ name: String) throws(BenchError) -> String {
        counter += 1
        let path = (root as NSString).appendingPathComponent("\(counter)-\(name)")
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw BenchError("cannot create \(path): \(error)")
        }
        return path
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    static func write(_ text: String, to path: String) throws(BenchError) {
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch { throw BenchError("cannot write \(path): \(error)") }
    }
}

/// Loopback ports.
enum Ports {
    /// A port the OS considers free now (bound to 0 and released). Small race with other
    /// programs, acceptable on a benchmark machine.
    static func free() throws(BenchError) -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, len) == 0 && getsockname(fd, sa, &len) == 0
            }
        }
        guard ok else { throw BenchError("cannot bind a loopback port") }
        return UInt16(bigEndian: addr.sin_port)
    }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port`.
    static func waitListening(_ port: UInt16, timeout: Double, alive: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && alive() {
            if canConnect(port) { return true }
            usleep(20_000)
        }
        return false
    }

    static func canConnect(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
