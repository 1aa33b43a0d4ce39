import CMicroHTTPD

extension ServerCore {
    /// The access handler's logic, per MHD call: headers first, then body pieces, then the
    /// final call that hands the request to the async handler. Runs on an MHD thread, so it
    /// never waits on anything.
    func access(_ state: RequestState, connection: OpaquePointer, method: String,
                data: UnsafePointer<CChar>?, size: UnsafeMutablePointer<Int>) -> MHD_Result {
        switch state.phase {
        case .headers:
            let headers = MHDCallbacks.values(connection, MHD_ValueKind.HEADER_KIND)
            if let announced = headers.first(where: { $0.name.lowercased() == "content-length" }),
               let length = Int(announced.value.trimmingCharacters(in: " \t")), length > limits.maxBodyBytes {
                // Refused before a byte of the body is read (no "100 Continue" is sent either).
                state.setPhase(.refused)
                return queued(MHDResponse.refusal(413, "request body too large"), connection)
            }
            state.begin(method: method, headers: headers)
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

private extension String {
    func trimmingCharacters(in set: String) -> String {
        let blanks = Set(set)
        var slice = Substring(self)
        while let first = slice.first, blanks.contains(first) { slice.removeFirst() }
        while let last = slice.last, blanks.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
