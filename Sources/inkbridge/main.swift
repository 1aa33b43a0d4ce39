import Foundation

/// `inkbridge SUBCOMMAND ...`: one type per subcommand under Commands/.
let usage = """
    usage: inkbridge COMMAND [options]

      serve       [--config connectors.json] [--store sqlite:inkbridge.db] [--listen 127.0.0.1:8080]
      validate    [connectors.json]
      emit        --tenant T FILE|-
      events      show ID --tenant T
      deliveries  [--tenant T] [--status dead] [--connector C] [--limit N]
      replay      DELIVERY_ID | --connector C --dead [--tenant T]
      secrets     set TENANT NAME [--store ...]      (value from standard input)
      audit       verify
      demo        the whole flow on this machine, nothing external

    Exit codes: 0 success, 1 runtime failure, 2 bad usage or invalid input.
    """

let commands: [String: @Sendable ([String]) async throws(CLIError) -> Void] = [
    "validate": ValidateCommand.run,
    "emit": EmitCommand.run,
    "events": EventsCommand.run,
    "deliveries": DeliveriesCommand.run,
    "replay": ReplayCommand.run,
    "serve": ServeCommand.run,
    "secrets": SecretsCommand.run,
    "audit": AuditCommand.run,
    "demo": DemoCommand.run,
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, name != "--help", name != "-h", name != "help" else {
    Output.line(usage)
    exit(arguments.isEmpty ? 2 : 0)
}
guard let command = commands[name] else {
    Output.error("inkbridge: unknown command '\(name)'; run 'inkbridge --help'")
    exit(2)
}
do {
    try await command(Array(arguments.dropFirst()))
    exit(0)
} catch {
    Output.error("inkbridge \(name): \(error.message)")
    for d in error.details { Output.error("  \(d)") }
    exit(error.code)
}
