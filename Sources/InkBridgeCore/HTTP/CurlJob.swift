/// A request handed from `CurlTransport.send` to the loop thread, with the
/// continuation that resumes the caller exactly once.
struct CurlJob: Sendable {
    typealias Outcome = Result<HTTPResponse, HTTPTransportError>

    /// Unique per transport; lets a cancelled task find its transfer.
    let id: UInt64
    let request: HTTPRequest
    let continuation: CheckedContinuation<Outcome, Never>

    func fail(_ error: HTTPTransportError) {
        continuation.resume(returning: .failure(error))
    }
}

extension HTTPTransportError {
    static let shutDown = HTTPTransportError(.other, "HTTP transport shut down")
    static let cancelled = HTTPTransportError(.other, "request cancelled")
}
