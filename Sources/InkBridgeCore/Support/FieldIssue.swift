/// One problem with an input, located by its path (`contract.sequence`,
/// `tenants[0].connectors[2].settings.bucket`). Validation collects all of them.
public struct FieldIssue: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Collects issues under a path prefix, so nested validators write relative paths.
public struct IssueCollector: Sendable {
    public private(set) var issues: [FieldIssue] = []
    public let prefix: String

    public init(prefix: String = "") { self.prefix = prefix }

    /// The path of `key` below this collector's prefix (`settings` + `url` -> `settings.url`, `[2]` joins without a dot).
    public func path(_ key: String) -> String {
        if prefix.isEmpty { return key }
        if key.isEmpty { return prefix }
        return key.hasPrefix("[") ? prefix + key : prefix + "." + key
    }

    public mutating func add(_ key: String, _ message: String) {
        issues.append(FieldIssue(path: path(key), message: message))
    }

    public mutating func append(contentsOf other: [FieldIssue]) { issues.append(contentsOf: other) }

    /// A collector for a nested path, whose issues the caller merges back with `merge`.
    public func nested(_ key: String) -> IssueCollector { IssueCollector(prefix: path(key)) }

    public mutating func merge(_ other: IssueCollector) { issues.append(contentsOf: other.issues) }

    public var isEmpty: Bool { issues.isEmpty }
}

/// Input that failed validation: every issue at once, each with its path.
public struct ValidationError: Error, Sendable, CustomStringConvertible {
    public let issues: [FieldIssue]
    public init(_ issues: [FieldIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
