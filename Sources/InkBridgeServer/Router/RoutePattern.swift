/// A path pattern such as `/v1/connectors/{id}/pause`: literal segments and
/// `{name}` parameters, each parameter matching exactly one non-empty segment.
public struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    /// The pattern as written: the route's name in metrics and in the OpenAPI document.
    public let description: String

    /// Patterns are written by us, in code: a malformed one is a programming mistake.
    public init(_ pattern: String) {
        precondition(pattern.hasPrefix("/"), "route pattern \(pattern) must start with /")
        var segments: [Segment] = []
        for part in pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            precondition(!part.isEmpty || pattern == "/", "route pattern \(pattern) has an empty segment")
            if part.hasPrefix("{") && part.hasSuffix("}") {
                let name = String(part.dropFirst().dropLast())
                precondition(!name.isEmpty, "route pattern \(pattern) has an unnamed parameter")
                segments.append(.parameter(name))
            } else {
                precondition(!part.contains("{") && !part.contains("}"), "route pattern \(pattern): braces must enclose a whole segment")
                segments.append(.literal(String(part)))
            }
        }
        self.segments = segments
        self.description = pattern
    }

    /// The parameters when `path` (already split and percent-decoded) matches; nil otherwise.
    func match(_ path: [String]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, path) {
            switch segment {
            case .literal(let literal):
                guard literal == part else { return nil }
            case .parameter(let name):
                guard !part.isEmpty else { return nil }
                parameters[name] = part
            }
        }
        return parameters
    }

    /// How many literal segments: when two patterns match, the more literal one wins.
    var literalCount: Int { segments.count { if case .literal = $0 { return true } else { return false } } }

    /// Splits a raw request path into percent-decoded segments; nil when it is not a path we can route.
    static func split(_ rawPath: String) -> [String]? {
        guard rawPath.hasPrefix("/") else { return nil }
        var out: [String] = []
        // Split on the UTF-8 bytes: splitting the String itself walks grapheme clusters (every request).
        for part in rawPath.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard let decoded = PercentDecoding.decode(Substring(part)) else { return nil }
            out.append(decoded)
        }
        return out
    }
}
