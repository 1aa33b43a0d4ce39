/// A failure of the store. The message never holds a bound value (event bodies, secrets).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case unavailable
        case busy
        case full
        case failed
        case notFound = "not_found"
        case conflict
        case closed
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
