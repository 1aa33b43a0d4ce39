import CCurl
import Foundation

/// What the callbacks do. Returning a short count (write, header) or
/// CURL_READFUNC_ABORT (read) makes curl abort; `failure` says why.
extension CurlTransfer {
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard bytes.count <= maxBodyBytes - bodyBytes else {
            failure = HTTPTransportError(.responseTooLarge, "response body over \(maxBodyBytes) bytes")
            return 0
        }
        bodyBytes += bytes.count
        guard outputFD >= 0 else {
            body.append(contentsOf: bytes)
            return bytes.count
        }
        var written = 0
        while written < bytes.count {
            let n = Foundation.write(outputFD, bytes.baseAddress! + written, bytes.count - written)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                failure = HTTPTransportError(.io, "writing response file: \(CurlErrors.errnoText())")
                return 0
            }
            written += n
        }
        return bytes.count
    }

    /// One header line at a time, CRLF included; the status line starts each block. Lines are
    /// kept as received and parsed only if someone reads them (`HTTPResponse.headers`).
    func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        headerBytes += bytes.count
        guard headerBytes <= Self.maxHeaderBytes else {
            failure = HTTPTransportError(.responseTooLarge, "response headers over \(Self.maxHeaderBytes) bytes")
            return 0
        }
        if bytes.starts(with: "HTTP/".utf8) {
            // A new status line: the block of an interim 1xx response
            // (100 Continue, 103 Early Hints) before it does not count.
            responseHeaderBlock.removeAll(keepingCapacity: true)
        } else {
            responseHeaderBlock.append(contentsOf: bytes)
        }
        return bytes.count
    }

    func readUpload(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let wanted = Int(min(Int64(buffer.count), uploadEnd - uploadPosition))
        guard wanted > 0 else { return 0 }
        while true {
            let n = pread(inputFD, buffer.baseAddress!, wanted, off_t(uploadPosition))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                // 0 before the announced length: the file shrank under us.
                failure = HTTPTransportError(.io, n == 0 ? "upload file shorter than announced" : "reading upload file: \(CurlErrors.errnoText())")
                return ib_readfunc_abort()
            }
            uploadPosition += Int64(n)
            return n
        }
    }

    func seekUpload(offset: curl_off_t, origin: Int32) -> Int32 {
        // curl only rewinds, from the start of what it sends.
        let offset = Int64(offset)
        guard origin == SEEK_SET, offset >= 0, offset <= uploadEnd - uploadStart else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
        uploadPosition = uploadStart + offset
        return Int32(CURL_SEEKFUNC_OK)
    }

    func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        if guardActive {
            let offset = MemoryLayout<curl_sockaddr>.offset(of: \.addr)!
            let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(address) + offset, count: Int(address.pointee.addrlen))
            if let refusal = Self.refusal(IPAddress(sockaddr: bytes)) {
                blockedAddress = refusal
                return ib_socket_bad()
            }
        }
        let fd = socket(address.pointee.family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
        guard fd >= 0 else { return ib_socket_bad() }
        socketsOpened += 1
        sockets.opened(fd)
        return fd
    }

    /// Runs on every request, after connecting or picking a kept-alive
    /// connection: a connection opened earlier for an unguarded request to
    /// the same host must not carry a guarded one.
    func allowRequest(peer: String?) -> Bool {
        guard guardActive else { return true }
        guard let refusal = Self.refusal(peer.flatMap(IPAddress.init)) else { return true }
        blockedAddress = refusal
        failure = HTTPTransportError(.blockedAddress, "refused to connect to \(refusal)")
        return false
    }

    /// Nil when allowed; otherwise the address and why, for the error message.
    /// An address that cannot be read is refused: the guard fails closed.
    private static func refusal(_ address: IPAddress?) -> String? {
        guard let address else { return "an unreadable address" }
        return AddressGuard.reason(address).map { "\(address) (\($0.rawValue))" }
    }
}
