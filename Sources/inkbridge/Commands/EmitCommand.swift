import Foundation
import InkBridgeCore

/// `inkbridge emit --tenant T FILE|-`: validates and ingests durably without HTTP;
/// prints the ingest answer. Delivery is `inkbridge serve`'s job.
enum EmitCommand {
    @Sendable static func run(_ args: [String]) async throws(CLIError) {
        var a = try Arguments(args, valueOptions: ["tenant", "config", "store"])
        guard let tenant = a.option("tenant") else { throw CLIError.usage("emit needs --tenant T") }
        let configPath = HubFactory.configPath(a.option("config"))
        let storeSpec = HubFactory.storeSpec(a.option("store"))
        try a.rejectUnknown()
        guard a.positionals.count == 1 else { throw CLIError.usage("emit takes one FILE or - for standard input") }
        let source = a.positionals[0]
        let bytes: [UInt8]
        if source == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: source) else { throw CLIError.invalid("cannot read \(source)") }
            bytes = Array(data)
        }
        let events: [ContractEvent]
        switch EventValidator.parseBody(bytes) {
        case .success(let e): events = e
        case .failure(let f): throw CLIError.invalid("\(source): invalid event", details: f.issues.map(\.description))
        }
        let store = try HubFactory.openStore(storeSpec)
        defer { store.close() }
        let config = try HubFactory.loadConfig(path: configPath, store: store)
        guard config.config.tenant(tenant) != nil else { throw CLIError.invalid("unknown tenant \(tenant) in \(configPath)") }
        let hub = Hub(store: store, registry: HubFactory.registry, transport: NoTransport())
        do {
            try await hub.apply(config)
            let outcomes = try await hub.ingest(tenant: tenant, events: events)
            Output.json(.object(JSONObject([("events", .array(outcomes.map(\.json)))])))
        } catch {
            throw CLIError.runtime(error.message)
        }
    }
}

/// For commands that build connectors but never deliver.
struct NoTransport: HTTPTransport {
    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        throw HTTPTransportError(.other, "this command does not deliver")
    }
}
