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
        let chars = Array(hex.utf8)
        guard chars.count == 64 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(32)
        var i = 0
        while i < 64 {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}

struct FileDigestError: Error, Sendable, CustomStringConvertible {
    let message: String
    var description: String { message }
}
