import Foundation

extension SQLiteEventStore {
    public func putSecret(tenant: String, name: String, sealed: [UInt8], now: Date) async throws(StoreError) {
        try await writer.write { db throws(StoreError) in
            try db.statement("""
                INSERT INTO secrets (tenant, name, sealed, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant, name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at
                """).bind(.text(tenant), .text(name), .blob(sealed), .double(now.unix)).run()
        }
    }

    public func sealedSecret(tenant: String, name: String) throws(StoreError) -> [UInt8]? {
        try reader.runSync { db throws(StoreError) in
            let s = try db.statement("SELECT sealed FROM secrets WHERE tenant = ? AND name = ?").bind(.text(tenant), .text(name))
            return try s.step() ? s.blob(0) : nil
        }
    }

    public func appendAudit(actor: String, action: String, detail: String, now: Date) async throws(StoreError) {
        try await writer.write { db throws(StoreError) in
            let last = try db.statement("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
            let previous = try last.step() ? last.text(0) : AuditChain.genesis
            let hash = AuditChain.hash(previous: previous, at: now.unix, actor: actor, action: action, detail: detail)
            try db.statement("INSERT INTO audit (at, actor, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(.double(now.unix), .text(actor), .text(action), .text(detail), .text(previous), .text(hash)).run()
        }
    }

    public func auditEntries() async throws(StoreError) -> [AuditEntry] {
        try await reader.run { db throws(StoreError) in
            let s = try db.statement("SELECT seq, at, actor, action, detail, prev_hash, hash FROM audit ORDER BY seq")
            var out: [AuditEntry] = []
            while try s.step() {
                out.append(AuditEntry(seq: s.int(0), at: Date(unix: s.double(1)), actor: s.text(2), action: s.text(3),
                                      detail: s.text(4), previousHash: s.text(5), hash: s.text(6)))
            }
            return out
        }
    }
}

/// The audit log's hash chain: each entry's hash covers the previous entry's
/// hash and its own fields, so editing, deleting or reordering entries breaks it.
public enum AuditChain {
    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(previous: String, at: Double, actor: String, action: String, detail: String) -> String {
        var message: [UInt8] = []
        for part in [previous, String(format: "%.6f", at), actor, action, detail] {
            message.append(contentsOf: part.utf8)
            message.append(0x1F)
        }
        return Digest.sha256Hex(message)
    }

    /// nil when the chain is intact; otherwise the first broken entry's sequence number.
    public static func verify(_ entries: [AuditEntry]) -> Int64? {
        var previous = genesis
        for e in entries {
            guard e.previousHash == previous,
                  e.hash == hash(previous: previous, at: e.at.timeIntervalSince1970, actor: e.actor, action: e.action, detail: e.detail)
            else { return e.seq }
            previous = e.hash
        }
        return nil
    }
}
