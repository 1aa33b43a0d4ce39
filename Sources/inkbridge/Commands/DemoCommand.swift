/// `inkbridge demo`: the whole flow on this machine (built with the emulators).
enum DemoCommand {
    @Sendable static func run(_ args: [String]) async throws(CLIError) {
        throw CLIError.runtime("the demo needs the local receiver, which is not built yet")
    }
}
