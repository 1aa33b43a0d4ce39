import Foundation
import InkBridgeCore

/// SHA-256 of a file or of a byte range of it, read in fixed chunks so a large
/// document is never held in memory.
struct FileDigest: Sendable, Equatable {
    let sha256: [UInt8]
    let size: Int64

    var hex: String { Digest.hex(sha256) }
    /// The form of `x-amz-checksum-sha256`: base64 of the raw 32 bytes.
    var base64: String { Data(sha256).base64EncodedString() }

    static let chunkSize = 1 << 20

    /// Hashes `range` of the file (the whole file when nil). Blocking: call through `BlockingIO`.
    static func compute(path: String, range: Range<Int64>? = nil) throws -> FileDigest {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileDigestError(message: "cannot open \(path) for reading")
        }
        defer { try? handle.close() }
        let stream = SHA256Stream()
        var remaining = Int64.max
        if let range {
            try handle.seek(toOffset: UInt64(range.lowerBound))
            remaining = Int64(range.count)
        }
        var total: Int64 = 0
        while remaining > 0 {
            let want = Int(min(Int64(chunkSize), remaining))
            guard let data = try handle.read(upToCount: want), !data.isEmpty else { break }
            data.withUnsafeBytes { stream.update($0) }
            total += Int64(data.count)
            remaining -= Int64(data.count)
        }
        if let range, total != Int64(range.count) {
            throw FileDigestError(message: "\(path) ended at \(range.lowerBound + total), before \(range.upperBound)")
        }
        return FileDigest(sha256: stream.finalize(), size: total)
    }

    /// Parses 64 hex digits (either case); nil otherwise.
    static func bytes(fromHex hex: String) -> [UInt8]? {
        guard hex.utf8.count == 64 else { return nil }
        return Digest.bytes(fromHex: hex)
    }
}

struct FileDigestError: Error, Sendable, CustomStringConvertible {
    let message: String
    var description: String { message }
}
