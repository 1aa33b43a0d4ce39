/// S3's error document: `<Error><Code>SlowDown</Code><Message>...</Message>...</Error>`.
/// HEAD answers carry no body; then only the status is known.
struct S3ErrorResponse: Sendable, Equatable {
    let code: String?
    let message: String?

    init(code: String?, message: String?) {
        self.code = code
        self.message = message
    }

    /// Reads an error body; nil when the body is not an S3 `<Error>` document.
    init?(body: [UInt8]) {
        guard let root = S3XMLElement.parse(body), root.name == "Error" else { return nil }
        let code = root.childText("Code").flatMap { $0.isEmpty ? nil : $0 }
        guard code != nil || root.childText("Message") != nil else { return nil }
        self.code = code
        self.message = root.childText("Message")
    }
}
