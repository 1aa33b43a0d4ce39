import CMicroHTTPD

/// Turns an `HTTPServerResponse` into a queued libmicrohttpd response.
enum MHDResponse {
    /// Queues `response` (body copied by MHD). A status MHD refuses becomes a bare 500,
    /// so the client is never left without an answer.
    @discardableResult
    static func queue(_ response: HTTPServerResponse, on connection: OpaquePointer) -> Bool {
        if queueOnce(response, on: connection) { return true }
        return queueOnce(HTTPServerResponse(status: 500), on: connection)
    }

    private static func queueOnce(_ response: HTTPServerResponse, on connection: OpaquePointer) -> Bool {
        guard (100...999).contains(response.status) else { return false }
        let made = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                                            MHD_ResponseMemoryMode.RESPMEM_MUST_COPY)
        }
        guard let mhdResponse = made else { return false }
        defer { MHD_destroy_response(mhdResponse) }
        for header in response.headers {
            // MHD refuses names or values with line breaks (and a hand-set Content-Length):
            // such a header is dropped rather than sent half-formed.
            // withCString, not the implicit conversion: that copies a small string (most header
            // names) into a new heap array first.
            _ = header.name.withCString { name in header.value.withCString { MHD_add_response_header(mhdResponse, name, $0) } }
        }
        return MHD_queue_response(connection, UInt32(response.status), mhdResponse) == MHD_Result.YES
    }

    /// A short plain-text error that also closes the connection (used when the body was not read).
    static func refusal(_ status: Int, _ text: String) -> HTTPServerResponse {
        var response = HTTPServerResponse.text(status, text + "\n")
        response.headers.append(("Connection", "close"))
        return response
    }
}
