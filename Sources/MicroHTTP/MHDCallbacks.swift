import CMicroHTTPD

/// The C callbacks given to libmicrohttpd. They capture nothing: the server is reached
/// through `cls` (a `ServerCore`, kept alive by `MicroHTTPServer` until the daemon stops)
/// and each request through `*con_cls` (a retained `RequestState`).
enum MHDCallbacks {
    /// Called once per request, after the request line: creates the request's state,
    /// which MHD hands back as `*con_cls`. The URI is still raw here (not percent-decoded).
    static let uriLog: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, OpaquePointer?)
        -> UnsafeMutableRawPointer? = { cls, uri, _ in
        guard let cls else { return nil }
        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
        core.liveStates.add(1, ordering: .relaxed)
        let state = RequestState(rawTarget: uri.map { String(cString: $0) } ?? "/")
        return Unmanaged.passRetained(state).toOpaque()
    }

    /// Called on every end of a request (answered, refused, aborted, timed out, daemon stop).
    static let completed: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?,
                                          UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                                          MHD_RequestTerminationCode) -> Void = { cls, _, conCls, _ in
        guard let cls, let conCls, let raw = conCls.pointee else { return }
        conCls.pointee = nil
        let state = Unmanaged<RequestState>.fromOpaque(raw).takeRetainedValue()
        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
        core.completed(state)
        core.liveStates.subtract(1, ordering: .relaxed)
    }

    static let access: MHD_AccessHandlerCallback = { cls, connection, _, method, _, uploadData, uploadSize, conCls in
        guard let cls, let connection, let uploadSize, let conCls else { return MHD_Result.NO }
        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
        let state: RequestState
        if let raw = conCls.pointee {
            state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()
        } else {
            // The URI log always runs first; refuse rather than guess if it somehow did not.
            return MHD_Result.NO
        }
        return core.access(state, connection: connection, method: method, data: uploadData, size: uploadSize)
    }

    /// Collects MHD's parsed values of one kind (headers, decoded query arguments) in order.
    static func values(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(kind == MHD_ValueKind.HEADER_KIND ? 12 : 4)
        withUnsafeMutablePointer(to: &out) { pointer in
            _ = MHD_get_connection_values(connection, kind, { cls, _, key, value in
                guard let cls, let key else { return MHD_Result.YES }
                let out = cls.assumingMemoryBound(to: [(name: String, value: String)].self)
                out.pointee.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
                return MHD_Result.YES
            }, pointer)
        }
        return out
    }
}
