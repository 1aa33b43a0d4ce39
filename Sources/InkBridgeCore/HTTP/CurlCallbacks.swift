import CCurl
import Foundation

/// The C callbacks libcurl calls during `curl_multi_perform`, on the loop
/// thread. A C function pointer cannot capture context, so each one gets its
/// `CurlTransfer` back from the `void *` userdata (set with the matching
/// `*DATA` option, unretained: the worker keeps the transfer alive while
/// curl runs it) and forwards to a method of it.
enum CurlCallbacks {
    typealias DataCallback = @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int

    static let write: DataCallback = { data, size, count, user in
        transfer(user).receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    static let header: DataCallback = { data, size, count, user in
        transfer(user).receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    static let read: DataCallback = { data, size, count, user in
        transfer(user).readUpload(into: UnsafeMutableRawBufferPointer(start: data, count: size * count))
    }

    static let seek: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, Int32) -> Int32 = { user, offset, origin in
        transfer(user).seekUpload(offset: offset, origin: origin)
    }

    static let openSocket: @convention(c) (UnsafeMutableRawPointer?, curlsocktype, UnsafeMutablePointer<curl_sockaddr>?) -> curl_socket_t = { user, purpose, address in
        guard let address, purpose == CURLSOCKTYPE_IPCXN else { return ib_socket_bad() }
        return transfer(user).openSocket(address)
    }

    /// The close-socket callback's userdata is the loop's `CurlSockets`, not a transfer: a
    /// connection keeps it from the transfer that opened it and may close long after.
    static let closeSocket: @convention(c) (UnsafeMutableRawPointer?, curl_socket_t) -> Int32 = { user, fd in
        Unmanaged<CurlSockets>.fromOpaque(user!).takeUnretainedValue().closing(fd)
        return 0
    }

    static let preRequest: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int32, Int32) -> Int32 = { user, primaryIP, _, _, _ in
        transfer(user).allowRequest(peer: primaryIP.map { String(cString: $0) }) ? ib_prereqfunc_ok() : ib_prereqfunc_abort()
    }

    private static func transfer(_ user: UnsafeMutableRawPointer?) -> CurlTransfer {
        Unmanaged<CurlTransfer>.fromOpaque(user!).takeUnretainedValue()
    }
}
