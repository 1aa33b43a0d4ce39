import Foundation

/// A fresh path in the temporary directory, removed by the caller.
func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "inkbridge-curl-\(UUID().uuidString)-\(name)"
}
