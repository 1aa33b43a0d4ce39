/// The rules every storage key obeys, whether it becomes an S3 object key or a
/// path below the filesystem root: relative, `/`-separated, no empty, `.` or
/// `..` segment, no control character or backslash. A key that passes cannot
/// name anything outside the root, on any of the two backends.
enum ArchiveKey {
    /// S3's limit for object keys, in UTF-8 bytes.
    static let maxBytes = 1024
    /// The usual filesystem limit for one name, in bytes.
    static let maxSegmentBytes = 255

    /// Nil when `key` is acceptable, else the reason (phrased to follow "key ...").
    static func problem(in key: String) -> String? {
        if key.isEmpty { return "is empty" }
        if key.utf8.count > maxBytes { return "is longer than \(maxBytes) bytes" }
        if key.hasPrefix("/") { return "must be relative, not start with '/'" }
        for byte in key.utf8 {
            if byte == 0 { return "must not contain a NUL byte" }
            if byte < 0x20 || byte == 0x7F { return "must not contain control characters" }
            if byte == UInt8(ascii: "\\") { return "must not contain a backslash" }
        }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return "must not contain an empty path segment ('//' or a trailing '/')" }
            if segment == "." || segment == ".." { return "must not contain a '\(segment)' path segment" }
            if segment.utf8.count > maxSegmentBytes { return "has a path segment longer than \(maxSegmentBytes) bytes" }
        }
        return nil
    }
}
