/// A JSON value that keeps what it was given: object keys in their original
/// order and numbers as their literal text (so `"48000.00"`-style amounts and
/// 64-bit ids survive a round trip untouched).
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text as it appeared in the input (validated JSON number syntax).
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    public init(_ value: Int) { self = .number(String(value)) }
    public init(_ value: Int64) { self = .number(String(value)) }
    public init(_ value: Double) {
        if value.rounded() == value && abs(value) < 1e15 { self = .number(String(Int64(value))) } else { self = .number(String(value)) }
    }

    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var doubleValue: Double? { if case .number(let n) = self { return Double(n) } else { return nil } }
    /// The number as an integer when its literal text is one (no fraction or exponent).
    public var int64Value: Int64? { if case .number(let n) = self { return Int64(n) } else { return nil } }

    /// A short name of the JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The value at a dotted path (`contract.customer.id`); array elements by index (`targets.0`).
    public subscript(path path: String) -> JSON? {
        var current: JSON = self
        var rest = path.utf8[...]
        // Walks the parts in UTF-8 without building an array of them (this runs several times per event).
        while true {
            let dot = rest.firstIndex(of: UInt8(ascii: "."))
            let part = Substring(rest[..<(dot ?? rest.endIndex)])
            switch current {
            case .object(let o):
                guard let next = o[String(part)] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(part), i >= 0, i < a.count else { return nil }
                current = a[i]
            default:
                return nil
            }
            guard let dot else { return current }
            rest = rest[rest.index(after: dot)...]
        }
    }

    public subscript(key: String) -> JSON? { objectValue?[key] }

    /// A scalar as plain text (strings unquoted, numbers as written); nil for null, arrays and objects.
    public var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}

/// A JSON object that remembers the order of its keys.
///
/// Stored as its entries in order; small objects (the usual event has objects of
/// a handful of keys) are searched linearly, which beats hashing every key. Past
/// `indexThreshold` keys a hash index is kept too, so a hostile body with many
/// keys stays linear to parse.
public struct JSONObject: Sendable, Equatable {
    public private(set) var entries: [(key: String, value: JSON)] = []
    private var index: [String: Int]?
    static let indexThreshold = 16

    public init() {}
    public init(_ pairs: [(String, JSON)]) {
        entries.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    public var keys: [String] { entries.map(\.key) }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return entries.firstIndex { $0.key == key }
    }

    public subscript(key: String) -> JSON? {
        get { position(of: key).map { entries[$0].value } }
        set {
            if let newValue {
                if let i = position(of: key) { entries[i].value = newValue } else { append(key, newValue) }
            } else if let i = position(of: key) {
                entries.remove(at: i)
                if index != nil { rebuildIndex() }
            }
        }
    }

    /// Adds `key` unless it is already there; false when it was (the parser's duplicate check).
    mutating func insertNew(_ key: String, _ value: JSON) -> Bool {
        if position(of: key) != nil { return false }
        append(key, value)
        return true
    }

    private mutating func append(_ key: String, _ value: JSON) {
        entries.append((key, value))
        if index != nil {
            index![key] = entries.count - 1
        } else if entries.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    private mutating func rebuildIndex() {
        var built: [String: Int] = [:]
        built.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() { built[e.key] = i }
        index = built
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Equal when both hold the same keys with equal values, in any order.
    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.entries.count == b.entries.count else { return false }
        return a.entries.allSatisfy { e in b[e.key] == e.value }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}
