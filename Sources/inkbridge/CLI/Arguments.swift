/// A small command-line reader: positionals and `--name value` / `--flag` options.
struct Arguments {
    private(set) var positionals: [String] = []
    private var options: [String: String] = [:]
    private var flags: Set<String> = []
    private var consumed: Set<String> = []

    /// `valueOptions` take a value; any other `--x` is a flag.
    init(_ args: [String], valueOptions: Set<String>) throws(CLIError) {
        var i = 0
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--"), a.count > 2 {
                var name = String(a.dropFirst(2))
                var inlineValue: String?
                if let eq = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                if valueOptions.contains(name) {
                    if let v = inlineValue {
                        options[name] = v
                    } else {
                        guard i + 1 < args.count else { throw CLIError.usage("--\(name) needs a value") }
                        options[name] = args[i + 1]
                        i += 1
                    }
                } else {
                    guard inlineValue == nil else { throw CLIError.usage("--\(name) takes no value") }
                    flags.insert(name)
                }
            } else {
                positionals.append(a)
            }
            i += 1
        }
    }

    mutating func option(_ name: String) -> String? {
        consumed.insert(name)
        return options[name]
    }

    mutating func flag(_ name: String) -> Bool {
        consumed.insert(name)
        return flags.contains(name)
    }

    /// Fails on any option or flag the command did not read.
    func rejectUnknown() throws(CLIError) {
        for name in Set(options.keys).union(flags) where !consumed.contains(name) {
            throw CLIError.usage("unknown option --\(name)")
        }
    }
}

/// A CLI failure: exit 2 for bad usage or invalid input, 1 for a runtime failure.
struct CLIError: Error {
    let code: Int32
    let message: String
    /// Extra lines (every validation problem), printed after the message.
    var details: [String] = []

    static func usage(_ m: String) -> CLIError { CLIError(code: 2, message: m) }
    static func invalid(_ m: String, details: [String] = []) -> CLIError { CLIError(code: 2, message: m, details: details) }
    static func runtime(_ m: String) -> CLIError { CLIError(code: 1, message: m) }
}
