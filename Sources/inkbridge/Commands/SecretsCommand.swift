import Foundation
import InkBridgeCore

/// `inkbridge secrets set TENANT NAME [--store ...]`: reads the value from standard
/// input and keeps it sealed (AES-256-GCM under the master key) in the store.
enum SecretsCommand {
    @Sendable static func run(_ args: [String]) async throws(CLIError) {
        var a = try Arguments(args, valueOptions: ["store"])
        let storeSpec = HubFactory.storeSpec(a.option("store"))
        try a.rejectUnknown()
        guard a.positionals.count == 3, a.positionals[0] == "set" else { throw CLIError.usage("usage: inkbridge secrets set TENANT NAME (value on standard input)") }
        let tenant = a.positionals[1], name = a.positionals[2]
        guard !tenant.contains("/"), !name.contains("/"), !tenant.isEmpty, !name.isEmpty else { throw CLIError.usage("TENANT and NAME must not contain '/'") }
        let box: SecretBox
        do { box = try SecretBox.fromEnvironment() } catch { throw CLIError.usage(error.description) }
        var value = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        while value.hasSuffix("\n") || value.hasSuffix("\r") { value.removeLast() }
        guard !value.isEmpty else { throw CLIError.invalid("no value on standard input") }
        let store = try HubFactory.openStore(storeSpec)
        defer { store.close() }
        do {
            let sealed = try box.seal(Array(value.utf8), associatedData: "\(tenant)/\(name)")
            let now = SystemClock().now()
            try await store.putSecret(tenant: tenant, name: name, sealed: sealed, now: now)
            try await store.appendAudit(actor: "cli", action: "secret_set", detail: "\(tenant)/\(name)", now: now)
        } catch let e as SecretBox.Failure { throw CLIError.runtime(e.description) } catch let e as StoreError { throw CLIError.runtime(e.message) } catch {
            throw CLIError.runtime("\(error)")
        }
        Output.line("secret \(tenant)/\(name) stored; refer to it as { \"secret\": \"\(tenant)/\(name)\" }")
    }
}
