import Foundation
import InkBridgeCore

/// The machine a run measured: results from different machines are not comparable.
struct Machine {
    let nproc: Int
    let cpuModel: String
    let kernel: String
    let memoryMiB: Int
    let date: String

    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let formatter = ISO8601DateFormatter()
        return Machine(nproc: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model, kernel: release,
                       memoryMiB: Int(ProcessInfo.processInfo.physicalMemory >> 20), date: formatter.string(from: Date()))
    }

    var json: JSON {
        .object(JSONObject([("nproc", JSON(nproc)), ("cpu_model", .string(cpuModel)), ("kernel", .string(kernel)),
                            ("memory_mib", JSON(memoryMiB))]))
    }

    var summary: String { "\(nproc) CPUs (\(cpuModel)), kernel \(kernel), \(memoryMiB) MiB, \(date)" }
}
