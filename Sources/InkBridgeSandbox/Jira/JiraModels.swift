import InkBridgeCore

/// A Jira Service Management organisation as the Jira emulator holds it.
public struct JiraOrganization: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// Entity properties: key → the JSON value last PUT.
    public var properties: [String: JSON]

    public init(id: Int64, name: String, properties: [String: JSON] = [:]) {
        self.id = id
        self.name = name
        self.properties = properties
    }
}

/// A remote link on an issue (`/rest/api/3/issue/{key}/remotelink`).
public struct JiraRemoteLink: Sendable, Equatable {
    public var id: Int64
    public var globalID: String?
    /// The whole link as last POSTed (`globalId`, `application`, `relationship`, `object`).
    public var body: JSON

    public var url: String? { body[path: "object.url"]?.stringValue }
    public var resolved: Bool? { body[path: "object.status.resolved"]?.boolValue }
}

/// An issue (request) as the Jira emulator holds it.
public struct JiraIssue: Sendable, Equatable {
    /// Jira's status categories: `new` (To Do), `indeterminate` (In Progress), `done`.
    public enum StatusCategory: String, Sendable {
        case new, indeterminate, done

        var name: String {
            switch self {
            case .new: return "To Do"
            case .indeterminate: return "In Progress"
            case .done: return "Done"
            }
        }
    }

    public var id: Int64
    public var key: String
    /// The JSM organisations the request is shared with.
    public var organizationIDs: [Int64]
    public var status: String
    public var statusCategory: StatusCategory
    public var properties: [String: JSON]
    public var remoteLinks: [JiraRemoteLink]

    public init(id: Int64, key: String, organizationIDs: [Int64], status: String = "Waiting for support",
                statusCategory: StatusCategory = .new, properties: [String: JSON] = [:], remoteLinks: [JiraRemoteLink] = []) {
        self.id = id
        self.key = key
        self.organizationIDs = organizationIDs
        self.status = status
        self.statusCategory = statusCategory
        self.properties = properties
        self.remoteLinks = remoteLinks
    }

    func json(origin: String) -> JSON {
        .object(JSONObject([
            ("id", .string(String(id))),
            ("key", .string(key)),
            ("self", .string("\(origin)/rest/api/3/issue/\(id)")),
            ("fields", ["status": [
                "name": .string(status),
                "statusCategory": ["key": .string(statusCategory.rawValue), "name": .string(statusCategory.name)],
            ]]),
        ]))
    }
}
