import Foundation

/// wrk (Debian's) as the ingest suite's load generator: keep-alive connections
/// POSTing single events, each with its own id, for a fixed window.
///
/// Why not `CurlLoad` here: on a two-CPU machine the load generator takes CPU
/// from the hub it measures. The curl loop (`curl_multi_perform`, which visits
/// every transfer each round, and a 1.5 KiB body copied into each request) cost
/// about 29 µs of CPU per request, a quarter of a CPU at the hub's ingest rate;
/// wrk's event loop costs a fraction of that. The raw suite keeps the curl loop:
/// it is the issue's definition of the outbound ceiling.
///
/// Ids are `<prefix><thread:2 digits><counter:10 digits>`, so each body has the
/// same length (`EventFactory` pads to the size) and is put together from
/// three fixed pieces per request; the contract id repeats the event id.
enum WrkLoad {
    struct Result {
        var accepted = 0
        /// Answers other than 202.
        var otherAnswers = 0
        var socketErrors = 0
        /// Seconds wrk ran (its own `summary.duration`).
        var window: Double = 0
        /// CPU of the wrk process over its run, in percent of one CPU.
        var cpuPercent: Double = 0

        var acceptedRate: Double { window > 0 ? Double(accepted) / window : 0 }
    }

    static let binary = "/usr/bin/wrk"

    static func run(url: String, path: String, connections: Int, duration: Double, headers: [(String, String)],
                    idPrefix: String, size: Int, dir: String) throws(BenchError) -> Result {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("wrk is missing (\(binary)): `make bench` installs it as root; else sudo apt-get install -y wrk")
        }
        let marker = String(repeating: "#", count: 12)
        let template = String(decoding: EventFactory.bytes(id: idPrefix + marker, size: size), as: UTF8.self)
        let pieces = template.components(separatedBy: marker)
        guard pieces.count == 3, !template.contains("]==]") else { throw BenchError("unexpected event template for wrk") }
        let script = dir + "/ingest.lua"
        try Workspace.write(luaScript(pieces: pieces, path: path, headers: headers), to: script)
        let log = dir + "/wrk.log"
        let before = childrenCPUSeconds()
        let child = try ChildProcess(name: "wrk", executable: binary,
                                     arguments: ["-t1", "-c\(connections)", "-d\(Int(duration.rounded()))s", "--timeout", "30s",
                                                 "-s", script, url],
                                     logPath: log)
        child.process.waitUntilExit()
        ChildRegistry.shared.remove(child.pid)
        let cpu = childrenCPUSeconds() - before
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard child.process.terminationStatus == 0,
              let line = output.split(separator: "\n").last(where: { $0.hasPrefix("WRK ") }) else {
            throw BenchError("wrk failed (exit \(child.process.terminationStatus)): \(child.logTail(8))")
        }
        var fields: [String: Int] = [:]
        for pair in line.dropFirst(4).split(separator: " ") {
            let kv = pair.split(separator: "=")
            if kv.count == 2, let v = Int(kv[1]) { fields[String(kv[0])] = v }
        }
        var r = Result()
        r.accepted = fields["accepted"] ?? 0
        r.otherAnswers = fields["other"] ?? 0
        r.socketErrors = (fields["connect"] ?? 0) + (fields["read"] ?? 0) + (fields["write"] ?? 0) + (fields["timeout"] ?? 0)
        r.window = Double(fields["duration_us"] ?? 0) / 1e6
        r.cpuPercent = r.window > 0 ? cpu / r.window * 100 : 0
        return r
    }

    /// User plus system CPU of this process's reaped children (wrk is the only one reaped during its run).
    private static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    private static func luaScript(pieces: [String], path: String, headers: [(String, String)]) -> String {
        let headerTable = headers.map { "[\"\($0.0)\"] = \"\($0.1)\"" }.joined(separator: ", ")
        return """
        local pre, mid, post = [==[\(pieces[0])]==], [==[\(pieces[1])]==], [==[\(pieces[2])]==]
        local headers = { \(headerTable) }
        local threads = {}
        local started = 0
        function setup(thread)
          started = started + 1
          thread:set("tid", started)
          table.insert(threads, thread)
        end
        n, accepted, other = 0, 0, 0
        function request()
          n = n + 1
          local id = string.format("%02d%010d", tid, n)
          return wrk.format("POST", "\(path)", headers, pre .. id .. mid .. id .. post)
        end
        function response(status, hdrs, body)
          if status == 202 then accepted = accepted + 1 else other = other + 1 end
        end
        function done(summary, latency, requests)
          local a, o = 0, 0
          for _, t in ipairs(threads) do a = a + t:get("accepted"); o = o + t:get("other") end
          local e = summary.errors
          io.write(string.format("WRK requests=%d accepted=%d other=%d connect=%d read=%d write=%d timeout=%d duration_us=%d\\n",
            summary.requests, a, o, e.connect, e.read, e.write, e.timeout, summary.duration))
        end
        """
    }
}
