import Foundation

/// Resolves secret references to values. `env` and `file` are read here; `secret`
/// asks the hub's encrypted store through `SecretSource`.
public struct SecretResolver: Sendable {
    public let environment: [String: String]
    public let store: (any SecretSource)?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, store: (any SecretSource)? = nil) {
        self.environment = environment
        self.store = store
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case missing(String)
        case forbidden(String)
        public var description: String {
            switch self {
            case .missing(let m), .forbidden(let m): return m
            }
        }
    }

    /// Resolves `ref` for `tenant`; a `secret` reference must name this tenant's own secret.
    public func resolve(_ ref: SecretRef, tenant: String) -> Result<String, Failure> {
        switch ref {
        case .env(let name):
            guard let v = environment[name], !v.isEmpty else { return .failure(.missing("environment variable \(name) is not set")) }
            return .success(v)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else { return .failure(.missing("cannot read file \(path)")) }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { return .failure(.missing("file \(path) is empty")) }
            return .success(text)
        case .secret(let qualified):
            let parts = qualified.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                return .failure(.missing("secret reference must be TENANT/NAME"))
            }
            guard parts[0] == tenant else { return .failure(.forbidden("secret \(qualified) belongs to another tenant")) }
            guard let store else { return .failure(.missing("no secret store is open to resolve secret \(qualified)")) }
            guard let v = store.secretValue(tenant: parts[0], name: parts[1]) else {
                return .failure(.missing("secret \(qualified) is not in the secret store (inkbridge secrets set \(parts[0]) \(parts[1]))"))
            }
            return .success(v)
        }
    }
}

/// The hub's encrypted secret store, as seen by the config loader.
public protocol SecretSource: Sendable {
    /// The decrypted value, or nil when there is none.
    func secretValue(tenant: String, name: String) -> String?
}
