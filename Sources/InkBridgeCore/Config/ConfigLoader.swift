import Foundation

/// A configuration that passed validation, with every secret resolved.
public struct LoadedConfig: Sendable {
    public let config: HubConfig
    /// Keyed by `ConnectorKey`.
    public let secrets: [ConnectorKey: ResolvedSecrets]
    public let registry: ConnectorRegistry

    public func plugin(for connector: ConnectorConfig) -> any ConnectorPlugin {
        guard let p = registry[connector.type] else { preconditionFailure("validated config names unknown type \(connector.type)") }
        return p
    }
}

/// A connector's identity across the hub: connector ids are unique within a tenant.
public struct ConnectorKey: Hashable, Sendable, CustomStringConvertible {
    public let tenant: String
    public let connector: String
    public init(tenant: String, connector: String) {
        self.tenant = tenant
        self.connector = connector
    }
    public var description: String { "\(tenant)/\(connector)" }
}

/// The error of a configuration that failed validation: every issue at once.
public typealias ConfigError = ValidationError

/// Loads and validates connectors.json (SPEC section 3): reports every problem
/// with its JSON path; unknown types, duplicate ids, unresolvable secrets and
/// settings a plugin rejects are all load-time errors.
public struct ConfigLoader: Sendable {
    public let registry: ConnectorRegistry
    public let resolver: SecretResolver

    public init(registry: ConnectorRegistry, resolver: SecretResolver) {
        self.registry = registry
        self.resolver = resolver
    }

    public func load(path: String) throws(ConfigError) -> LoadedConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError([FieldIssue(path: "", message: "cannot read \(path)")])
        }
        return try load(bytes: Array(data))
    }

    public func load(bytes: [UInt8]) throws(ConfigError) -> LoadedConfig {
        let json: JSON
        do { json = try JSONParser.parse(bytes) } catch { throw ConfigError([FieldIssue(path: "", message: error.description)]) }
        return try load(json: json)
    }

    public func load(json: JSON) throws(ConfigError) -> LoadedConfig {
        var issues = IssueCollector()
        guard let root = json.objectValue else { throw ConfigError([FieldIssue(path: "", message: "must be a JSON object, not \(json.typeName)")]) }
        rejectUnknownKeys(root, allowed: ["version", "tenants", "network", "defaults"], &issues)
        switch root["version"] {
        case nil: issues.add("version", "required")
        case .number("1")?: break
        case let v?: issues.add("version", "must be 1, not \(v.jsonText)")
        }
        var network = NetworkPolicy()
        if let n = root["network"] {
            if let o = n.objectValue {
                var nc = issues.nested("network")
                rejectUnknownKeys(o, allowed: ["allow_private"], &nc)
                if let ap = o["allow_private"] {
                    if let b = ap.boolValue { network.allowPrivate = b } else { nc.add("allow_private", "must be a boolean") }
                }
                issues.merge(nc)
            } else { issues.add("network", "must be an object") }
        }
        var defaults = ConnectorOptions()
        if let d = root["defaults"] {
            if let o = d.objectValue {
                var dc = issues.nested("defaults")
                rejectUnknownKeys(o, allowed: Self.optionKeys, &dc)
                defaults = parseOptions(o, base: defaults, &dc)
                issues.merge(dc)
            } else { issues.add("defaults", "must be an object") }
        }
        var tenants: [TenantConfig] = []
        var secrets: [ConnectorKey: ResolvedSecrets] = [:]
        switch root["tenants"] {
        case nil: issues.add("tenants", "required")
        case .array(let list)?:
            var seen: Set<String> = []
            for (i, t) in list.enumerated() {
                var tc = issues.nested("tenants[\(i)]")
                if let tenant = parseTenant(t, defaults: defaults, &tc, &secrets) {
                    if !seen.insert(tenant.id).inserted { tc.add("id", "duplicate tenant id \"\(tenant.id)\"") }
                    tenants.append(tenant)
                }
                issues.merge(tc)
            }
        case let v?: issues.add("tenants", "must be an array, not \(v.typeName)")
        }
        guard issues.isEmpty else { throw ConfigError(issues.issues) }
        return LoadedConfig(config: HubConfig(version: 1, tenants: tenants, network: network), secrets: secrets, registry: registry)
    }

    static let optionKeys: Set<String> = ["retry", "rate_limit", "concurrency", "timeout", "enabled"]
    static let idPattern = "letters, digits, '-', '_' and '.', 1 to 64 characters"

    static func isValidID(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F || c == 0x2E
        }
    }

    func rejectUnknownKeys(_ o: JSONObject, allowed: Set<String>, _ issues: inout IssueCollector) {
        for key in o.keys where !allowed.contains(key) { issues.add(key, "unknown key") }
    }

    func parseTenant(_ json: JSON, defaults: ConnectorOptions, _ issues: inout IssueCollector,
                     _ secrets: inout [ConnectorKey: ResolvedSecrets]) -> TenantConfig? {
        guard let o = json.objectValue else { issues.add("", "must be an object, not \(json.typeName)"); return nil }
        rejectUnknownKeys(o, allowed: ["id", "name", "api_keys", "connectors"], &issues)
        let id: String
        switch o["id"] {
        case .string(let s)? where Self.isValidID(s): id = s
        case .string? : issues.add("id", "must be \(Self.idPattern)"); return nil
        case nil: issues.add("id", "required"); return nil
        case let v?: issues.add("id", "must be a string, not \(v.typeName)"); return nil
        }
        var name: String?
        if let n = o["name"] { if let s = n.stringValue { name = s } else { issues.add("name", "must be a string") } }
        var hashes: [String] = []
        switch o["api_keys"] {
        case nil: issues.add("api_keys", "required: at least one { \"env\": NAME } or { \"sha256\": HEX }")
        case .array(let keys)?:
            if keys.isEmpty { issues.add("api_keys", "must hold at least one key") }
            for (i, k) in keys.enumerated() {
                let p = "api_keys[\(i)]"
                guard let ko = k.objectValue, ko.count == 1 else { issues.add(p, "must be { \"env\": NAME } or { \"sha256\": HEX }"); continue }
                if let env = ko["env"] {
                    guard let name = env.stringValue else { issues.add(p + ".env", "must be a string"); continue }
                    switch resolver.resolve(.env(name), tenant: id) {
                    case .success(let key): hashes.append(Digest.sha256Hex(Array(key.utf8)))
                    case .failure(let f): issues.add(p + ".env", f.description)
                    }
                } else if let sha = ko["sha256"] {
                    guard let h = sha.stringValue, h.count == 64, h.allSatisfy(\.isHexDigit) else {
                        issues.add(p + ".sha256", "must be 64 hexadecimal characters"); continue
                    }
                    hashes.append(h.lowercased())
                } else { issues.add(p, "must be { \"env\": NAME } or { \"sha256\": HEX }") }
            }
        case let v?: issues.add("api_keys", "must be an array, not \(v.typeName)")
        }
        var connectors: [ConnectorConfig] = []
        switch o["connectors"] {
        case nil: break
        case .array(let list)?:
            var seen: Set<String> = []
            for (i, c) in list.enumerated() {
                var cc = issues.nested("connectors[\(i)]")
                if let (connector, resolved) = parseConnector(c, tenant: id, defaults: defaults, &cc) {
                    if !seen.insert(connector.id).inserted {
                        cc.add("id", "duplicate connector id \"\(connector.id)\" in tenant \"\(id)\"")
                    } else {
                        connectors.append(connector)
                        secrets[ConnectorKey(tenant: id, connector: connector.id)] = resolved
                    }
                }
                issues.merge(cc)
            }
        case let v?: issues.add("connectors", "must be an array, not \(v.typeName)")
        }
        return TenantConfig(id: id, name: name, apiKeyHashes: hashes, connectors: connectors)
    }

    func parseConnector(_ json: JSON, tenant: String, defaults: ConnectorOptions,
                        _ issues: inout IssueCollector) -> (ConnectorConfig, ResolvedSecrets)? {
        guard let o = json.objectValue else { issues.add("", "must be an object, not \(json.typeName)"); return nil }
        rejectUnknownKeys(o, allowed: Self.optionKeys.union(["id", "type", "on", "filter", "settings", "secrets"]), &issues)
        var id: String?
        switch o["id"] {
        case .string(let s)? where Self.isValidID(s): id = s
        case .string?: issues.add("id", "must be \(Self.idPattern)")
        case nil: issues.add("id", "required")
        case let v?: issues.add("id", "must be a string, not \(v.typeName)")
        }
        var plugin: (any ConnectorPlugin)?
        switch o["type"] {
        case .string(let t)?:
            plugin = registry[t]
            if plugin == nil { issues.add("type", "unknown connector type \"\(t)\"; known: \(registry.types.joined(separator: ", "))") }
        case nil: issues.add("type", "required")
        case let v?: issues.add("type", "must be a string, not \(v.typeName)")
        }
        var on: Set<String> = plugin?.defaultOn ?? []
        if let onJSON = o["on"] {
            if let list = onJSON.arrayValue, !list.isEmpty {
                on = []
                for (i, v) in list.enumerated() {
                    if let s = v.stringValue, ContractStatus.allNames.contains(s) || s == EventType.renewalDue {
                        on.insert(s)
                    } else {
                        issues.add("on[\(i)]", "must be a status (\(ContractStatus.allCases.map(\.rawValue).joined(separator: " "))) or \(EventType.renewalDue)")
                    }
                }
            } else { issues.add("on", "must be a non-empty array of statuses") }
        }
        var filter: [(path: String, values: [JSON])] = []
        if let f = o["filter"] {
            if let fo = f.objectValue {
                for entry in fo.entries {
                    if !Self.isValidEventPath(entry.key) { issues.add("filter.\(entry.key)", "is not an event path (dotted keys such as contract.kind)") }
                    if let values = entry.value.arrayValue, !values.isEmpty {
                        filter.append((entry.key, values))
                    } else { issues.add("filter.\(entry.key)", "must be a non-empty array of accepted values") }
                }
            } else { issues.add("filter", "must be an object from event path to accepted values") }
        }
        let options = parseOptions(o, base: defaults, &issues)
        var settings = JSONObject()
        switch o["settings"] {
        case nil: break
        case .object(let s)?: settings = s
        case let v?: issues.add("settings", "must be an object, not \(v.typeName)")
        }
        var refs: [String: SecretRef] = [:]
        var values: [String: String] = [:]
        switch o["secrets"] {
        case nil: break
        case .object(let so)?:
            for entry in so.entries {
                let p = "secrets.\(entry.key)"
                if let plugin, !plugin.secretNames.contains(entry.key) {
                    issues.add(p, "unknown secret for \(plugin.type); known: \(plugin.secretNames.sorted().joined(separator: ", "))")
                    continue
                }
                guard let ref = Self.parseSecretRef(entry.value) else {
                    issues.add(p, "must be { \"env\": NAME }, { \"file\": PATH } or { \"secret\": \"TENANT/NAME\" }")
                    continue
                }
                refs[entry.key] = ref
                switch resolver.resolve(ref, tenant: tenant) {
                case .success(let v): values[entry.key] = v
                case .failure(let f): issues.add(p, f.description)
                }
            }
        case let v?: issues.add("secrets", "must be an object, not \(v.typeName)")
        }
        guard let id, let plugin else { return nil }
        let config = ConnectorConfig(id: id, type: plugin.type, tenantID: tenant, on: on, filter: filter, options: options,
                                     settings: settings, secretRefs: refs, path: issues.prefix)
        let resolved = ResolvedSecrets(values)
        // Secrets that failed to resolve are already reported; the plugin checks presence of the others.
        var pc = IssueCollector(prefix: issues.prefix)
        plugin.validate(config, secrets: resolved, issues: &pc)
        let unresolved = Set(refs.keys).subtracting(values.keys).map { pc.path("secrets.\($0)") }
        issues.append(contentsOf: pc.issues.filter { !unresolved.contains($0.path) })
        return (config, resolved)
    }

    static func parseSecretRef(_ json: JSON) -> SecretRef? {
        guard let o = json.objectValue, o.count == 1, let key = o.keys.first, let v = o[key]?.stringValue, !v.isEmpty else { return nil }
        switch key {
        case "env": return .env(v)
        case "file": return .file(v)
        case "secret": return .secret(v)
        default: return nil
        }
    }

    /// `contract.customer.id`: dot-separated keys of letters, digits, `_` and `-`.
    public static func isValidEventPath(_ path: String) -> Bool {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { p in
            !p.isEmpty && p.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
            }
        }
    }

    func parseOptions(_ o: JSONObject, base: ConnectorOptions, _ issues: inout IssueCollector) -> ConnectorOptions {
        var options = base
        if let r = o["retry"] {
            if let ro = r.objectValue {
                var rc = issues.nested("retry")
                rejectUnknownKeys(ro, allowed: ["schedule", "max_age"], &rc)
                if let s = ro["schedule"] {
                    if let list = s.arrayValue, list.count <= 50 {
                        var schedule: [Double] = []
                        for (i, v) in list.enumerated() {
                            if let d = v.doubleValue, d >= 0, d <= 7 * 86400 { schedule.append(d) } else { rc.add("schedule[\(i)]", "must be a number of seconds from 0 to 604800") }
                        }
                        options.retrySchedule = schedule
                    } else { rc.add("schedule", "must be an array of at most 50 delays in seconds") }
                }
                if let m = ro["max_age"] {
                    if let d = m.doubleValue, d > 0 { options.maxAge = d } else { rc.add("max_age", "must be a number of seconds > 0") }
                }
                issues.merge(rc)
            } else { issues.add("retry", "must be an object with schedule and/or max_age") }
        }
        if let r = o["rate_limit"] {
            if let d = r.doubleValue, d > 0, d <= 1_000_000 { options.rateLimit = d } else if r.isNull { options.rateLimit = nil } else { issues.add("rate_limit", "must be a number of requests per second > 0") }
        }
        if let c = o["concurrency"] {
            if let n = c.int64Value, n >= 1, n <= 1024 { options.concurrency = Int(n) } else { issues.add("concurrency", "must be an integer from 1 to 1024") }
        }
        if let t = o["timeout"] {
            if let d = t.doubleValue, d > 0, d <= 600 { options.timeout = d } else { issues.add("timeout", "must be a number of seconds from 0 to 600") }
        }
        if let e = o["enabled"] {
            if let b = e.boolValue { options.enabled = b } else { issues.add("enabled", "must be a boolean") }
        }
        return options
    }
}
