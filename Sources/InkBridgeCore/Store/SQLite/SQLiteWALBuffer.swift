import CSQLite
import Foundation

/// A SQLite VFS shim over the default ("unix") VFS that writes a transaction's
/// WAL frames with one `pwrite` instead of two per page.
///
/// SQLite writes every WAL frame with two calls, its 24-byte header and then the
/// page, so a commit of 26 pages costs 52 `pwrite` calls. Here consecutive writes
/// to a WAL file are kept in a buffer and written together once the commit frame
/// is complete: before the write call that completes it returns, so before SQLite
/// publishes the commit in the shared WAL index, and other connections never find a
/// committed frame missing from the file. The buffer is also written before every
/// other operation on the file (sync, read, size, truncate, file control, close)
/// and before a write that does not continue it, so SQLite sees the file as it
/// would without the shim; a failed write fails the SQLite call that caused it.
///
/// The commit frame is recognised by the WAL format
/// (https://sqlite.org/fileformat2.html#walformat): a 32-byte header whose bytes
/// 8-11 hold the page size, then frames of 24 bytes plus a page, whose bytes 4-7
/// are non-zero in the frame that commits. The page size is read when SQLite writes
/// or reads the WAL header; until then writes go straight through. Database and
/// journal files are the real VFS's own, untouched.
///
/// Each `sqlite3_file` is used by one connection at a time (SQLite's rule), and a
/// connection by one thread at a time (`SQLiteExecutor`), so the buffer has no lock.
enum SQLiteWALBuffer {
    static let vfsName = "inkbridge-walbuf"
    /// The buffer of the one WAL file a writer connection has open.
    static let capacity = 2 << 20
    /// The unix VFS writes at most 128 KiB - 1 bytes per call (it masks the length with
    /// 0x1ffff, SQLite itself never writing more than a page at once): the buffer goes out
    /// in pieces of 124 KiB.
    static let piece = 124 << 10

    /// Whether the shim is registered (once per process; not as the default VFS).
    static let registered: Bool = register()

    // Set once by `register`, then only read.
    nonisolated(unsafe) private static var unixVFS: UnsafeMutablePointer<sqlite3_vfs>?
    nonisolated(unsafe) private static let methods: UnsafeMutablePointer<sqlite3_io_methods> = makeMethods()

    /// One WAL file's buffer and counters.
    final class WALFile {
        let real: UnsafeMutablePointer<sqlite3_file>
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        var start: Int64 = 0
        /// From the WAL header; 0 while unknown.
        var pageSize = 0
        /// End offset of a commit frame whose header was written and whose end may still be
        /// in the buffer; -1 when none.
        var commitEnd: Int64 = -1
        /// Writes SQLite made, and writes passed on to the real file.
        var writes: Int64 = 0
        var pwrites: Int64 = 0

        init(real: UnsafeMutablePointer<sqlite3_file>) { self.real = real }

        deinit { buffer?.deallocate() }

        func flush() -> Int32 {
            guard length > 0, let buffer else { return SQLITE_OK }
            let n = length
            length = 0
            // A commit frame that ends past these bytes (its header came last into a full
            // buffer) still has its page to come: that write flushes it.
            if commitEnd >= 0 && commitEnd <= start + Int64(n) { commitEnd = -1 }
            var done = 0
            while done < n {
                let size = min(n - done, SQLiteWALBuffer.piece)
                pwrites += 1
                let rc = real.pointee.pMethods.pointee.xWrite(real, buffer + done, Int32(size), start + Int64(done))
                if rc != SQLITE_OK { return rc }
                done += size
            }
            return SQLITE_OK
        }

        /// Learns the page size from a WAL header (magic 0x377f0682 or 0x377f0683).
        func readHeader(_ bytes: UnsafeRawPointer) {
            let magic = Self.bigEndian(bytes)
            guard magic == 0x377f_0682 || magic == 0x377f_0683 else { return }
            var size = Int(Self.bigEndian(bytes + 8))
            if size == 1 { size = 65_536 }
            if size >= 512 && size <= 65_536 && size & (size - 1) == 0 { pageSize = size }
        }

        /// Notes a commit frame whose header lies inside this write.
        func scan(_ bytes: UnsafeRawPointer, count: Int, offset: Int64) {
            guard pageSize > 0, offset + Int64(count) > 32 else { return }
            let frame = Int64(24 + pageSize)
            let first = max(offset, 32)
            var header = 32 + (first - 32 + frame - 1) / frame * frame
            while header + 8 <= offset + Int64(count) {
                if Self.bigEndian(bytes + Int(header - offset) + 4) != 0 { commitEnd = header + frame }
                header += frame
            }
        }

        func write(_ bytes: UnsafeRawPointer, count: Int, offset: Int64) -> Int32 {
            writes += 1
            if offset == 0 && count >= 32 { readHeader(bytes) }
            if pageSize == 0 || count > SQLiteWALBuffer.piece {
                let rc = flush()
                if rc != SQLITE_OK { return rc }
                pwrites += 1
                let written = real.pointee.pMethods.pointee.xWrite(real, bytes, Int32(count), offset)
                if commitEnd >= 0 && commitEnd <= offset + Int64(count) { commitEnd = -1 }
                return written
            }
            let end = start + Int64(length)
            let appends = length > 0 && offset == end && length + count <= SQLiteWALBuffer.capacity
            let inside = length > 0 && offset >= start && offset + Int64(count) <= end
            if !appends && !inside {
                let rc = flush()
                if rc != SQLITE_OK { return rc }
                if buffer == nil { buffer = .allocate(byteCount: SQLiteWALBuffer.capacity, alignment: 4096) }
                start = offset
            }
            let at = Int(offset - start)
            buffer!.advanced(by: at).copyMemory(from: bytes, byteCount: count)
            if !inside { length = at + count }
            scan(bytes, count: count, offset: offset)
            if commitEnd >= 0 && start + Int64(length) >= commitEnd { return flush() }
            return SQLITE_OK
        }

        static func bigEndian(_ p: UnsafeRawPointer) -> UInt32 {
            UInt32(p.load(fromByteOffset: 0, as: UInt8.self)) << 24 | UInt32(p.load(fromByteOffset: 1, as: UInt8.self)) << 16
                | UInt32(p.load(fromByteOffset: 2, as: UInt8.self)) << 8 | UInt32(p.load(fromByteOffset: 3, as: UInt8.self))
        }
    }

    /// The shim's file object: `sqlite3_file` (its methods pointer), then the `WALFile`
    /// (retained), then the real VFS's file. 16 bytes before the real file keep it aligned.
    private static let header = 16

    private static func wal(_ file: UnsafeMutablePointer<sqlite3_file>?) -> WALFile {
        let slot = UnsafeMutableRawPointer(file!).load(fromByteOffset: 8, as: UnsafeRawPointer.self)
        return Unmanaged<WALFile>.fromOpaque(slot).takeUnretainedValue()
    }

    private static func real(_ file: UnsafeMutablePointer<sqlite3_file>?) -> (UnsafeMutablePointer<sqlite3_file>, sqlite3_io_methods) {
        let r = wal(file).real
        return (r, r.pointee.pMethods.pointee)
    }

    private static func register() -> Bool {
        if sqlite3_vfs_find(vfsName) != nil { return true }
        guard let unix = sqlite3_vfs_find("unix"), unix.pointee.iVersion >= 2 else { return false }
        unixVFS = unix
        // The real VFS's methods, with its own app data, except for opening files: none of the
        // unix VFS's other methods depend on which sqlite3_vfs they are called with.
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: unix.pointee)
        vfs.pointee.pNext = nil
        vfs.pointee.zName = UnsafePointer(strdup(vfsName))  // never freed: the VFS stays registered
        vfs.pointee.szOsFile = Int32(header) + unix.pointee.szOsFile
        vfs.pointee.xOpen = { _, name, file, flags, outFlags in
            guard let file, let unix = SQLiteWALBuffer.unixVFS else { return SQLITE_ERROR }
            guard flags & SQLITE_OPEN_WAL != 0 else {
                // Not a WAL: the real file in place, with its own methods.
                return unix.pointee.xOpen(unix, name, file, flags, outFlags)
            }
            let realFile = (UnsafeMutableRawPointer(file) + SQLiteWALBuffer.header).assumingMemoryBound(to: sqlite3_file.self)
            let rc = unix.pointee.xOpen(unix, name, realFile, flags, outFlags)
            guard rc == SQLITE_OK, realFile.pointee.pMethods != nil else {
                // SQLite will not close a file whose methods are nil: close the real one here.
                if let methods = realFile.pointee.pMethods { _ = methods.pointee.xClose(realFile) }
                file.pointee.pMethods = nil
                return rc == SQLITE_OK ? SQLITE_CANTOPEN : rc
            }
            let state = Unmanaged.passRetained(WALFile(real: realFile)).toOpaque()
            UnsafeMutableRawPointer(file).storeBytes(of: UnsafeRawPointer(state), toByteOffset: 8, as: UnsafeRawPointer.self)
            file.pointee.pMethods = UnsafePointer(SQLiteWALBuffer.methods)
            return SQLITE_OK
        }
        return sqlite3_vfs_register(vfs, 0) == SQLITE_OK
    }

    private static func makeMethods() -> UnsafeMutablePointer<sqlite3_io_methods> {
        let m = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        m.initialize(to: sqlite3_io_methods(
            iVersion: 3,
            xClose: { file in
                let slot = UnsafeMutableRawPointer(file!).load(fromByteOffset: 8, as: UnsafeRawPointer.self)
                let w = Unmanaged<WALFile>.fromOpaque(slot).takeRetainedValue()
                let rc = w.flush()
                let closed = w.real.pointee.pMethods.pointee.xClose(w.real)
                return rc != SQLITE_OK ? rc : closed
            },
            xRead: { file, data, amount, offset in
                let w = SQLiteWALBuffer.wal(file)
                let rc = w.flush()
                if rc != SQLITE_OK { return rc }
                let read = w.real.pointee.pMethods.pointee.xRead(w.real, data, amount, offset)
                if read == SQLITE_OK, offset == 0, amount >= 32, let data { w.readHeader(data) }
                return read
            },
            xWrite: { file, data, amount, offset in
                guard let data else { return SQLITE_IOERR }
                return SQLiteWALBuffer.wal(file).write(data, count: Int(amount), offset: offset)
            },
            xTruncate: { file, size in
                let w = SQLiteWALBuffer.wal(file)
                let rc = w.flush()
                return rc != SQLITE_OK ? rc : w.real.pointee.pMethods.pointee.xTruncate(w.real, size)
            },
            xSync: { file, flags in
                let w = SQLiteWALBuffer.wal(file)
                let rc = w.flush()
                return rc != SQLITE_OK ? rc : w.real.pointee.pMethods.pointee.xSync(w.real, flags)
            },
            xFileSize: { file, size in
                let w = SQLiteWALBuffer.wal(file)
                let rc = w.flush()
                return rc != SQLITE_OK ? rc : w.real.pointee.pMethods.pointee.xFileSize(w.real, size)
            },
            xLock: { file, level in let (r, m) = SQLiteWALBuffer.real(file); return m.xLock(r, level) },
            xUnlock: { file, level in let (r, m) = SQLiteWALBuffer.real(file); return m.xUnlock(r, level) },
            xCheckReservedLock: { file, out in let (r, m) = SQLiteWALBuffer.real(file); return m.xCheckReservedLock(r, out) },
            xFileControl: { file, op, arg in
                let w = SQLiteWALBuffer.wal(file)
                let rc = w.flush()
                return rc != SQLITE_OK ? rc : w.real.pointee.pMethods.pointee.xFileControl(w.real, op, arg)
            },
            xSectorSize: { file in let (r, m) = SQLiteWALBuffer.real(file); return m.xSectorSize(r) },
            xDeviceCharacteristics: { file in let (r, m) = SQLiteWALBuffer.real(file); return m.xDeviceCharacteristics(r) },
            xShmMap: { file, region, size, extend, out in let (r, m) = SQLiteWALBuffer.real(file); return m.xShmMap(r, region, size, extend, out) },
            xShmLock: { file, offset, n, flags in let (r, m) = SQLiteWALBuffer.real(file); return m.xShmLock(r, offset, n, flags) },
            xShmBarrier: { file in let (r, m) = SQLiteWALBuffer.real(file); m.xShmBarrier(r) },
            xShmUnmap: { file, delete in let (r, m) = SQLiteWALBuffer.real(file); return m.xShmUnmap(r, delete) },
            xFetch: { file, offset, amount, out in
                let w = SQLiteWALBuffer.wal(file)
                let rc = w.flush()
                return rc != SQLITE_OK ? rc : w.real.pointee.pMethods.pointee.xFetch(w.real, offset, amount, out)
            },
            xUnfetch: { file, offset, page in let (r, m) = SQLiteWALBuffer.real(file); return m.xUnfetch(r, offset, page) }))
        return m
    }

    /// What the shim did so far for the WAL of `db`'s main database: writes SQLite made and
    /// `pwrite` calls issued. Nil when that WAL is not open through the shim.
    static func stats(_ db: OpaquePointer) -> (writes: Int64, pwrites: Int64)? {
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file) == SQLITE_OK, let file,
              file.pointee.pMethods == UnsafePointer(methods) else { return nil }
        let w = wal(file)
        return (w.writes, w.pwrites)
    }
}
