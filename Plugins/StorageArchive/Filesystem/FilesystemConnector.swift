import Foundation
import InkBridgeCore

/// Archives one executed document below `root`: never a partial file at the
/// final path, never an overwrite. The same document again is a success that
/// writes nothing; a different one under the same name is a `conflict` (or a
/// new version with `on_conflict: version`).
struct FilesystemArchiveConnector: Connector {
    let settings: FilesystemSettings
    let fetcher: DocumentFetcher
    let tenantID: String
    let clock: any HubClock

    /// Past this many versions of one name something is wrong upstream.
    static let maxVersions = 1000

    init(settings: FilesystemSettings, secrets: ResolvedSecrets, context: ConnectorContext) {
        self.settings = settings
        self.tenantID = context.tenantID
        self.clock = context.clock
        fetcher = DocumentFetcher(http: context.http, network: context.network, settings: settings.document,
                                  authToken: secrets["document_token"], temporaryDirectory: context.temporaryDirectory,
                                  connectTimeout: min(context.timeout, 10), clock: context.clock,
                                  redact: SecretRedactor(secrets.allValues))
    }

    func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        let key: String
        switch settings.document.key.render(tenant: delivery.tenantID, event: delivery.event) {
        case .failure(let e): return .permanent("invalid_key", e.message)
        case .success(let k): key = k
        }
        let settings = self.settings
        let now = clock.now()
        return await fetcher.withDocument(of: delivery.event) { document in
            let record = ArchiveRecord(delivery: delivery, key: key, document: document, archivedAt: now)
            return await BlockingIO.run { Self.archive(document, record: record, settings: settings) }
        }
    }

    static func archive(_ document: FetchedDocument, record: ArchiveRecord, settings: FilesystemSettings) -> DeliveryOutcome {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: settings.root, isDirectory: &isDirectory), isDirectory.boolValue else {
            // Not created on our own: a missing root usually means an unmounted volume.
            return .retry("io", "archive root \(settings.root) does not exist or is not a directory")
        }
        let target = settings.root + "/" + record.key
        do {
            try AtomicFile.makeDirectories((target as NSString).deletingLastPathComponent, below: settings.root)
            var version = 1
            while version <= maxVersions {
                let candidate = version == 1 ? target : versioned(target, version)
                let shownKey = String(candidate.dropFirst(settings.root.count + 1))
                if FileManager.default.fileExists(atPath: candidate) {
                    let existing = try FileDigest.compute(path: candidate)
                    if existing.sha256 == document.digest.sha256 {
                        // Idempotent replay (or a crash between file and sidecar): only a missing sidecar is written.
                        var stored = record
                        stored.key = shownKey
                        let wroteSidecar = try writeSidecar(stored, for: candidate) == .created
                        return .success(detail: "already archived at \(shownKey)" + (wroteSidecar ? " (sidecar restored)" : ""))
                    }
                    if settings.onConflict == .fail {
                        return .permanent("conflict", "\(shownKey) already exists with SHA-256 \(existing.hex); this document has SHA-256 \(document.digest.hex); the existing file is kept")
                    }
                    version += 1
                    continue
                }
                switch try AtomicFile.publish(copying: document.path, to: candidate) {
                case .alreadyExists:
                    continue  // another writer won the name a moment ago: compare with what it wrote
                case .created:
                    var stored = record
                    stored.key = shownKey
                    _ = try writeSidecar(stored, for: candidate)
                    return .success(detail: "archived \(document.digest.size) bytes at \(shownKey) (sha256 \(document.digest.hex))")
                }
            }
            return .permanent("conflict", "\(record.key) already has \(maxVersions) versions with other content")
        } catch {
            return .retry("io", "archiving to \(target): \(error)")
        }
    }

    /// `<file>.metadata.json`, written atomically; an existing one is left as it is.
    static func writeSidecar(_ record: ArchiveRecord, for file: String) throws -> AtomicFile.Published {
        try AtomicFile.publish(bytes: record.sidecarJSON, to: file + ".metadata.json")
    }

    /// `a/executed.pdf` -> `a/executed.v2.pdf`; `a/report` -> `a/report.v2`.
    static func versioned(_ path: String, _ version: Int) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let newName: String
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            newName = "\(name[..<dot]).v\(version)\(name[dot...])"
        } else {
            newName = "\(name).v\(version)"
        }
        return directory + "/" + newName
    }
}
