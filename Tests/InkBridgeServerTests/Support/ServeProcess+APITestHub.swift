import Foundation
import InkBridgeSandbox

extension ServeProcess {
    /// A temporary directory with the two-tenant connectors.json of `APITestHub` (webhooks to a closed port).
    static func makeDirectory() throws -> (directory: String, config: String) {
        let dir = SandboxPaths.temporaryDirectory(prefix: "inkbridge-e2e")
        try APITestHub.signingSecret.write(toFile: dir + "/signing_secret", atomically: true, encoding: .utf8)
        let config = dir + "/connectors.json"
        try APITestHub.config(directory: dir, webhookURL: APITestHub.closedURL, retry: [60])
            .write(toFile: config, atomically: true, encoding: .utf8)
        return (dir, config)
    }
}
