/// `--listen HOST:PORT` (`[::1]:8080` for IPv6; port 0 lets the OS choose).
struct ListenAddress: Equatable {
    let host: String
    let port: UInt16

    init(_ text: String) throws(CLIError) {
        guard let colon = text.lastIndex(of: ":") else { throw CLIError.usage("--listen needs HOST:PORT, e.g. 127.0.0.1:8080") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = UInt16(text[text.index(after: colon)...]) else {
            throw CLIError.usage("--listen needs HOST:PORT with a port from 0 to 65535, not \(text)")
        }
        self.host = host
        self.port = port
    }
}
