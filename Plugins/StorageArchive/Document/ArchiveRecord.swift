import Foundation
import InkBridgeCore

/// What is known about one archived copy: stored as the filesystem sidecar
/// (`<file>.metadata.json`) and as S3 user metadata (`x-amz-meta-*`).
struct ArchiveRecord: Sendable {
    let tenant: String
    let contractID: String
    let status: String
    let eventID: String
    let deliveryID: String
    /// The key (relative path) it is stored under.
    var key: String
    let sha256Hex: String
    let size: Int64
    let contentType: String
    let archivedAt: Date

    init(delivery: Delivery, key: String, document: FetchedDocument, archivedAt: Date) {
        tenant = delivery.tenantID
        contractID = delivery.event.contractID
        status = delivery.event.status
        eventID = delivery.event.id
        deliveryID = delivery.id
        self.key = key
        sha256Hex = document.digest.hex
        size = document.digest.size
        contentType = document.contentType
        self.archivedAt = archivedAt
    }

    /// The sidecar document, keys in a stable order.
    var sidecarJSON: [UInt8] {
        let object: JSON = .object(JSONObject([
            ("tenant", .string(tenant)),
            ("contract_id", .string(contractID)),
            ("status", .string(status)),
            ("event_id", .string(eventID)),
            ("delivery_id", .string(deliveryID)),
            ("key", .string(key)),
            ("sha256", .string(sha256Hex)),
            ("size", JSON(size)),
            ("content_type", .string(contentType)),
            ("archived_at", .string(RFC3339.format(archivedAt))),
        ]))
        return object.serialized() + [0x0A]
    }

    /// S3 user metadata (SPEC 8.2). Values are sent as HTTP header values, so
    /// anything outside printable ASCII is percent-encoded.
    var s3Metadata: [(name: String, value: String)] {
        [("x-amz-meta-tenant", Self.headerSafe(tenant)),
         ("x-amz-meta-contract-id", Self.headerSafe(contractID)),
         ("x-amz-meta-event-id", Self.headerSafe(eventID)),
         ("x-amz-meta-sha256", sha256Hex)]
    }

    static func headerSafe(_ value: String) -> String {
        let printable = value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        return printable ? value : AWSURIEncoding.encode(value, keepSlash: true)
    }
}
