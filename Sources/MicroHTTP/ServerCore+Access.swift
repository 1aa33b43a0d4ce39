import CMicroHTTPD

extension ServerCore {
    /// The access handler's logic, per MHD call: headers first, then body pieces, then the
    /// final call that hands the request to the async handler. Runs on an MHD thread, so it
    /// never waits on anything.
    func access(_ state: RequestState, connection: OpaquePointer, method: UnsafePointer<CChar>?,
                data: UnsafePointer<CChar>?, size: UnsafeMutablePointer<Int>) -> MHD_Result {
        switch state.phase {
        case .headers:
            let headers = MHDCallbacks.values(connection, MHD_ValueKind.HEADER_KIND)
            let announced = headers.first { HTTPServerRequest.asciiCaseInsensitiveEqual($0.name, "Content-Length") }
                .flatMap { Self.contentLength($0.value) }
            if let announced, announced > limits.maxBodyBytes {
                // Refused before a byte of the body is read (no "100 Continue" is sent either).
                state.setPhase(.refused)
                return queued(MHDResponse.refusal(413, "request body too large"), connection)
            }
            // The body is collected into one buffer sized for what the client announced.
            state.begin(method: method.map { String(cString: $0) } ?? "GET", headers: headers, expectedBody: announced ?? 0)
            return MHD_Result.YES

        case .body where size.pointee > 0:
            let piece = UnsafeRawBufferPointer(start: data, count: size.pointee)
            if !state.append(piece, limit: limits.maxBodyBytes) {
                state.setPhase(.overflowing(discarded: piece.count))
            }
            size.pointee = 0
            return MHD_Result.YES

        case .body:
            let request = state.takeRequest(query: MHDCallbacks.values(connection, MHD_ValueKind.GET_ARGUMENT_KIND))
            guard suspend(state, connection: connection) else {
                return queued(MHDResponse.refusal(503, "server stopping"), connection)
            }
            runHandler(request, state: state)
            return MHD_Result.YES

        case .refused:
            // The 413 is queued; MHD sends it and closes without reading the body.
            size.pointee = 0
            return MHD_Result.YES

        case .overflowing(let discarded):
            guard size.pointee > 0 else {
                return queued(MHDResponse.refusal(413, "request body too large"), connection)
            }
            // Drop what follows the cap, but not without end: past another cap's worth, close.
            let total = discarded + size.pointee
            guard total <= limits.maxBodyBytes else { return MHD_Result.NO }
            state.setPhase(.overflowing(discarded: total))
            size.pointee = 0
            return MHD_Result.YES

        case .suspended, .answered:
            // MHD calls again after a resume only when no response is queued; never expected.
            return queued(HTTPServerResponse(status: 500), connection)
        }
    }

    private func queued(_ response: HTTPServerResponse, _ connection: OpaquePointer) -> MHD_Result {
        MHDResponse.queue(response, on: connection) ? MHD_Result.YES : MHD_Result.NO
    }
}

extension ServerCore {
    /// A `Content-Length` value: decimal digits between optional blanks; nil otherwise. Values
    /// past `Int.max` read as `Int.max` (too large either way).
    static func contentLength(_ value: String) -> Int? {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        let digits = value.utf8.drop(while: blank).reversed().drop(while: blank).reversed()
        guard !digits.isEmpty else { return nil }
        var n = 0
        for c in digits {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            let (times, o1) = n.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int(c - UInt8(ascii: "0")))
            if o1 || o2 { return Int.max }
            n = sum
        }
        return n
    }
}
