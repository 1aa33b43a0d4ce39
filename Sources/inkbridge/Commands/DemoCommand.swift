import Foundation
import InkBridgeCore
import InkBridgeSandbox

/// `inkbridge demo`: the whole flow on this machine with nothing external: an
/// embedded store in a temporary directory, local emulators of every external
/// system, two tenants, contracts going sent -> signed -> executed with an
/// injected failure that is retried. Prints what each connector did.
enum DemoCommand {
    @Sendable static func run(_ args: [String]) async throws(CLIError) {
        var a = try Arguments(args, valueOptions: [])
        let keep = a.flag("keep")
        try a.rejectUnknown()
        do {
            let ok = try await DemoScenario.run(keepDirectory: keep)
            if !ok { throw CLIError.runtime("the demo did not complete: some delivery did not land (see above)") }
        } catch let e as CLIError { throw e } catch {
            throw CLIError.runtime("demo failed: \(error)")
        }
    }
}
