import Foundation

/// Publishes a file so that the final path either does not exist or holds the
/// complete, fsynced content: write a temporary file in the same directory,
/// fsync it, hard-link it to the final name (which, unlike rename, fails when
/// the name exists, so a concurrent writer is never overwritten), remove the
/// temporary name and fsync the directory so the new entry survives a crash.
/// All calls block: use them through `BlockingIO`.
enum AtomicFile {
    enum Published: Equatable { case created, alreadyExists }

    /// Copies `source` (a whole file) to `path` atomically.
    static func publish(copying source: String, to path: String) throws -> Published {
        try publish(to: path) { out in
            guard let input = FileHandle(forReadingAtPath: source) else { throw AtomicFileError("cannot read \(source)") }
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: FileDigest.chunkSize), !chunk.isEmpty {
                try out.write(contentsOf: chunk)
            }
        }
    }

    /// Writes `bytes` to `path` atomically.
    static func publish(bytes: [UInt8], to path: String) throws -> Published {
        try publish(to: path) { out in try out.write(contentsOf: Data(bytes)) }
    }

    private static func publish(to path: String, fill: (FileHandle) throws -> Void) throws -> Published {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(".inkbridge-\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o640]) else {
            throw AtomicFileError("cannot create a temporary file in \(directory)")
        }
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        guard let out = FileHandle(forWritingAtPath: temporary) else { throw AtomicFileError("cannot open \(temporary) for writing") }
        do {
            try fill(out)
            try out.synchronize()
            try out.close()
        } catch {
            try? out.close()
            throw AtomicFileError("writing \(temporary): \(error.localizedDescription)")
        }
        do {
            try FileManager.default.linkItem(atPath: temporary, toPath: path)
        } catch CocoaError.fileWriteFileExists {
            return .alreadyExists
        } catch {
            if FileManager.default.fileExists(atPath: path) { return .alreadyExists }
            throw AtomicFileError("linking \(path): \(error.localizedDescription)")
        }
        try? FileManager.default.removeItem(atPath: temporary)
        try syncDirectory(directory)
        return .created
    }

    /// fsync on a directory makes its entries (new names) durable.
    static func syncDirectory(_ directory: String) throws {
        guard let handle = FileHandle(forReadingAtPath: directory) else { throw AtomicFileError("cannot open directory \(directory)") }
        defer { try? handle.close() }
        do { try handle.synchronize() } catch { throw AtomicFileError("fsync of directory \(directory): \(error.localizedDescription)") }
    }

    /// Creates `directory` below `root` (which must exist) and fsyncs each
    /// parent whose entries changed, so the path survives a crash.
    static func makeDirectories(_ directory: String, below root: String) throws {
        var missing: [String] = []
        var current = directory
        while current.count > root.count, !FileManager.default.fileExists(atPath: current) {
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        guard !missing.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw AtomicFileError("creating \(directory): \(error.localizedDescription)")
        }
        for created in missing { try syncDirectory((created as NSString).deletingLastPathComponent) }
    }
}

struct AtomicFileError: Error, Sendable, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
