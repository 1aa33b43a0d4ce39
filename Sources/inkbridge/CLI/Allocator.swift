import CMimalloc
import Glibc

/// The process's memory allocator. `inkbridge` links Debian's libmimalloc, which replaces
/// glibc's malloc for every library in the process (see the README: glibc's allocator took
/// about a tenth of the hub's CPU under the ingest benchmark, and its arena locks most of the
/// hub's futex calls).
enum Allocator {
    /// "mimalloc 2.0.9" when malloc is mimalloc's; otherwise says that glibc's is in use
    /// (the library loaded after libc, or not at all).
    static var description: String {
        let version = Int(mi_version())
        let name = "mimalloc \(version / 100).\(version / 10 % 10).\(version % 10)"
        // mimalloc owns the block only when it serves malloc itself.
        guard let probe = malloc(16) else { return "malloc failed" }
        defer { free(probe) }
        return mi_is_in_heap_region(probe) ? name : "glibc malloc (\(name) is linked but does not serve malloc)"
    }
}
