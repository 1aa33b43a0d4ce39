import Foundation
import InkBridgeCore

/// Writes to standard output and error through FileHandle (Glibc's stdout is not concurrency-safe).
enum Output {
    static func line(_ s: String) {
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
    }

    static func error(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    static func json(_ value: JSON) {
        line(value.jsonText)
    }
}
