import InkBridgeCore

/// An organisation as the Zendesk emulator holds it.
public struct ZendeskOrganization: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// `organization_fields`: custom field key → value.
    public var fields: JSONObject

    public init(id: Int64, name: String, fields: JSONObject = JSONObject()) {
        self.id = id
        self.name = name
        self.fields = fields
    }

    var json: JSON {
        .object(JSONObject([("id", JSON(id)), ("name", .string(name)), ("organization_fields", .object(fields))]))
    }
}

/// A ticket as the Zendesk emulator holds it.
public struct ZendeskTicket: Sendable, Equatable {
    public var id: Int64
    public var organizationID: Int64?
    public var subject: String
    /// `new`, `open`, `pending`, `hold`, `solved` or `closed`.
    public var status: String
    /// `low`, `normal`, `high`, `urgent` or nil.
    public var priority: String?
    /// Lower-case, no duplicates, in the order they were added (as Zendesk keeps them).
    public var tags: [String]

    public init(id: Int64, organizationID: Int64?, subject: String = "Printer on fire", status: String = "open",
                priority: String? = "normal", tags: [String] = []) {
        self.id = id
        self.organizationID = organizationID
        self.subject = subject
        self.status = status
        self.priority = priority
        self.tags = ZendeskTicket.normalised(tags)
    }

    var json: JSON {
        .object(JSONObject([
            ("id", JSON(id)),
            ("url", .string("/api/v2/tickets/\(id).json")),
            ("subject", .string(subject)),
            ("description", .string("Ticket \(id): \(subject)")),
            ("status", .string(status)),
            ("priority", priority.map(JSON.string) ?? .null),
            ("organization_id", organizationID.map { JSON($0) } ?? .null),
            ("tags", .array(tags.map(JSON.string))),
        ]))
    }

    /// Zendesk lower-cases tags and keeps each once.
    static func normalised(_ tags: [String]) -> [String] {
        var out: [String] = []
        for t in tags.map({ $0.lowercased() }) where !t.isEmpty && !out.contains(t) { out.append(t) }
        return out
    }

    public static let statuses: Set<String> = ["new", "open", "pending", "hold", "solved", "closed"]
    public static let priorities: Set<String> = ["low", "normal", "high", "urgent"]
}
