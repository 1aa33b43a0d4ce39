// storage-probe: archives one document with the storage.s3 connector in a
// process of its own and reports its memory, so a test can bound the peak RSS
// of a large (multipart) archive without the test runner's own allocations.
//
// Usage: storage-probe ENDPOINT BUCKET DOCUMENT_URL SHA256_HEX
// Credentials come from PROBE_ACCESS_KEY_ID / PROBE_SECRET_ACCESS_KEY (never argv).
// Prints one JSON line: {"kind", "code", "message", "detail", "rss_start_kib", "hwm_start_kib", "hwm_end_kib"}.
import Foundation
import InkBridgeCore
import StorageArchive

/// A field of /proc/self/status in KiB (`VmRSS`, `VmHWM`); 0 where unavailable.
func procStatus(_ field: String) -> Int {
    // /proc files report size 0, so read them as a stream rather than by their stat size.
    guard let handle = FileHandle(forReadingAtPath: "/proc/self/status") else { return 0 }
    defer { try? handle.close() }
    let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
    }
    return 0
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("storage-probe: \(message)\n".utf8))
    exit(2)
}

let args = CommandLine.arguments
guard args.count == 5 else { fail("usage: storage-probe ENDPOINT BUCKET DOCUMENT_URL SHA256_HEX") }
let env = ProcessInfo.processInfo.environment
guard let keyID = env["PROBE_ACCESS_KEY_ID"], let secret = env["PROBE_SECRET_ACCESS_KEY"] else {
    fail("set PROBE_ACCESS_KEY_ID and PROBE_SECRET_ACCESS_KEY")
}

let settings: JSON = ["bucket": .string(args[2]), "region": "us-east-1", "endpoint": .string(args[1]), "path_style": true,
                      "key": "probe/{contract.id}/{filename}", "max_document_mb": 512]
let config = ConnectorConfig(id: "probe", type: "storage.s3", tenantID: "probe", on: ["executed"], filter: [],
                             options: ConnectorOptions(), settings: settings.objectValue!,
                             secretRefs: ["access_key_id": .env("PROBE_ACCESS_KEY_ID"), "secret_access_key": .env("PROBE_SECRET_ACCESS_KEY")],
                             path: "probe")
let secrets = ResolvedSecrets(["access_key_id": keyID, "secret_access_key": secret])
let eventJSON: JSON = ["id": .string("evt_probe_\(UUID().uuidString.prefix(8))"), "type": "contract.status_changed",
                       "occurred_at": "2026-11-21T10:15:00Z",
                       "contract": ["id": "ctr_probe", "sequence": 1, "status": "executed",
                                    "document": ["url": .string(args[3]), "sha256": .string(args[4]), "filename": "large.pdf"]]]
guard case .success(let event) = EventValidator.validate(eventJSON, raw: eventJSON.serialized()) else { fail("invalid probe event") }

let transport = CurlTransport()
let temporary = NSTemporaryDirectory() + "storage-probe-\(UUID().uuidString)"
try? FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
let context = ConnectorContext(http: transport, network: NetworkPolicy(allowPrivate: true), timeout: 60, tenantID: "probe",
                               connectorID: "probe", temporaryDirectory: temporary)
let connector: any Connector
do { connector = try S3ArchivePlugin().makeConnector(config, secrets: secrets, context: context) } catch { fail("\(error)") }

let rssStart = procStatus("VmRSS")
let hwmStart = procStatus("VmHWM")
let outcome = await connector.deliver(Delivery(id: "dlv_probe", tenantID: "probe", connectorID: "probe", event: event, attempt: 1))
let hwmEnd = procStatus("VmHWM")
transport.shutdown()
try? FileManager.default.removeItem(atPath: temporary)

let kind: String
switch outcome.kind {
case .success: kind = "success"
case .retry: kind = "retry"
case .permanent: kind = "permanent"
}
let report: JSON = ["kind": .string(kind), "code": outcome.error.map { .string($0.code) } ?? .null,
                    "message": outcome.error.map { .string($0.message) } ?? .null,
                    "detail": outcome.detail.map { .string($0) } ?? .null,
                    "rss_start_kib": JSON(rssStart), "hwm_start_kib": JSON(hwmStart), "hwm_end_kib": JSON(hwmEnd)]
print(report.jsonText)
