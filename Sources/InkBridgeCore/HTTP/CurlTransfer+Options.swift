import CCurl
import Foundation

/// Turning an `HTTPRequest` into easy-handle options.
extension CurlTransfer {
    /// Methods that carry a body (possibly empty, sent as `Content-Length: 0`)
    /// even when the request has none: some servers answer 411 otherwise.
    private static func alwaysHasBody(_ method: String) -> Bool {
        method == "POST" || method == "PUT" || method == "PATCH"
    }

    func configure(_ request: HTTPRequest) throws(HTTPTransportError) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        let profile = CurlRequestProfile(request)
        // The handle ran a request of the same kind last time and its options are still set:
        // only the body and the header list change. Resetting and setting the twenty fixed
        // options again cost about 6,900 instructions per webhook (deliverpath under callgrind,
        // `CurlLoopWorker.start`).
        if let profile, profile == configuredProfile {
            // Per-request state `end()` cleared; the options it matches are still set.
            maxBodyBytes = max(0, request.maxResponseBytes)
            guardActive = profile.guarded
            configuredProfile = nil  // until this configuration has succeeded
            _ = try configureMethodAndBody(request, me)
            try configureHeaders(request, sendsForm: true)
            configuredProfile = profile
            return
        }
        configuredProfile = nil
        // Clears every option of the previous request; the multi handle keeps
        // the connection cache, so kept-alive connections survive the reset.
        curl_easy_reset(handle)

        guard !request.url.utf8.contains(0) else { throw HTTPTransportError(.invalidURL, "URL contains a NUL byte") }
        guard Self.isToken(request.method) else { throw HTTPTransportError(.other, "invalid HTTP method") }
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PRIVATE, pointer: me)
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)

        // Fixed policy of the transport (HTTPTransport's guarantees).
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        // No proxy from http_proxy/https_proxy: the guard must see the real peer.
        try set(CURLOPT_PROXY, "")

        try set(CURLOPT_TIMEOUT_MS, try Self.milliseconds(request.timeout, "timeout"))
        if request.connectTimeout > 0 {
            try set(CURLOPT_CONNECTTIMEOUT_MS, try Self.milliseconds(request.connectTimeout, "connect timeout"))
        }

        try check(ib_easy_setopt_write(handle, CurlCallbacks.write), CURLOPT_WRITEFUNCTION)
        try set(CURLOPT_WRITEDATA, pointer: me)
        try check(ib_easy_setopt_header(handle, CurlCallbacks.header), CURLOPT_HEADERFUNCTION)
        try set(CURLOPT_HEADERDATA, pointer: me)
        // Always installed: it counts new connections even when not guarding.
        try check(ib_easy_setopt_opensocket(handle, CurlCallbacks.openSocket), CURLOPT_OPENSOCKETFUNCTION)
        try set(CURLOPT_OPENSOCKETDATA, pointer: me)
        // Closed through the loop's socket table, which must see every socket it keeps registered go.
        try check(ib_easy_setopt_closesocket(handle, CurlCallbacks.closeSocket), CURLOPT_CLOSESOCKETFUNCTION)
        try set(CURLOPT_CLOSESOCKETDATA, pointer: Unmanaged.passUnretained(sockets).toOpaque())
        guardActive = request.guardAddresses && !request.allowPrivate
        if guardActive {
            // Runs for reused connections too, which never reach the open-socket callback.
            try check(ib_easy_setopt_prereq(handle, CurlCallbacks.preRequest), CURLOPT_PREREQFUNCTION)
            try set(CURLOPT_PREREQDATA, pointer: me)
        }

        maxBodyBytes = max(0, request.maxResponseBytes)
        // A HEAD answer's Content-Length describes a body that never comes: no cap applies to it.
        if maxBodyBytes > 0 && request.method.uppercased() != "HEAD" {
            // Refuses at once when Content-Length already says too much.
            try check(ib_easy_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBodyBytes)), CURLOPT_MAXFILESIZE_LARGE)
        }
        if let path = request.responseBodyFile {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw HTTPTransportError(.io, "cannot open response file: \(CurlErrors.errnoText())") }
            outputFD = fd
            outputPath = path
        }

        let sendsForm = try configureMethodAndBody(request, me)
        try configureHeaders(request, sendsForm: sendsForm)

        if let sigv4 = request.awsSigV4 { try set(CURLOPT_AWS_SIGV4, sigv4) }
        if let userpwd = request.userpwd { try set(CURLOPT_USERPWD, userpwd) }
        configuredProfile = profile
    }

    /// True when the body goes through CURLOPT_POSTFIELDS, for which curl
    /// would add a form Content-Type of its own.
    private func configureMethodAndBody(_ request: HTTPRequest, _ me: UnsafeMutableRawPointer) throws(HTTPTransportError) -> Bool {
        let method = request.method
        if let path = request.bodyFile {
            guard request.body == nil else { throw HTTPTransportError(.other, "both body and bodyFile are set") }
            try openUpload(path, range: request.bodyFileRange)
            // UPLOAD sends the file with a known Content-Length and, unlike a
            // POST, no default Content-Type; CUSTOMREQUEST names the real method.
            try set(CURLOPT_UPLOAD, 1)
            try check(ib_easy_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(uploadEnd - uploadStart)), CURLOPT_INFILESIZE_LARGE)
            try check(ib_easy_setopt_read(handle, CurlCallbacks.read), CURLOPT_READFUNCTION)
            try set(CURLOPT_READDATA, pointer: me)
            // A dead kept-alive connection makes curl resend on a new one: it rewinds first.
            try check(ib_easy_setopt_seek(handle, CurlCallbacks.seek), CURLOPT_SEEKFUNCTION)
            try set(CURLOPT_SEEKDATA, pointer: me)
            if method != "PUT" { try set(CURLOPT_CUSTOMREQUEST, method) }
            return false
        }
        if let body = request.body ?? (Self.alwaysHasBody(method) ? [] : nil) {
            // POSTFIELDS (not a read callback) so curl can hash it for SigV4 and resend it itself.
            let needed = max(body.count, 1)
            if postCapacity < needed {
                postBuffer?.deallocate()
                postBuffer = .allocate(byteCount: needed, alignment: 16)
                postCapacity = needed
            }
            body.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { postBuffer!.copyMemory(from: base, byteCount: bytes.count) }
            }
            try check(ib_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), CURLOPT_POSTFIELDSIZE_LARGE)
            try set(CURLOPT_POSTFIELDS, pointer: postBuffer)
            if method != "POST" { try set(CURLOPT_CUSTOMREQUEST, method) }
            return true
        }
        if method == "HEAD" {
            try set(CURLOPT_NOBODY, 1)
        } else if method != "GET" {
            try set(CURLOPT_CUSTOMREQUEST, method)
        }
        return false
    }

    private func openUpload(_ path: String, range: Range<Int64>?) throws(HTTPTransportError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw HTTPTransportError(.io, "cannot open upload file: \(CurlErrors.errnoText())") }
        inputFD = fd
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw HTTPTransportError(.io, "cannot stat upload file: \(CurlErrors.errnoText())") }
        let size = Int64(info.st_size)
        let bytes = range ?? 0..<size
        guard bytes.lowerBound >= 0, bytes.upperBound <= size else {
            throw HTTPTransportError(.io, "upload range \(bytes.lowerBound)..<\(bytes.upperBound) outside a file of \(size) bytes")
        }
        uploadStart = bytes.lowerBound
        uploadEnd = bytes.upperBound
        uploadPosition = bytes.lowerBound
    }

    /// Each header is checked on its UTF-8 bytes, then its line is copied into the transfer's
    /// reused header list (`CurlHeaderLines`): no Swift string per line and no allocation per
    /// request (this runs for every request; the string-building version cost about 21,000
    /// instructions per webhook).
    private func configureHeaders(_ request: HTTPRequest, sendsForm: Bool) throws(HTTPTransportError) {
        var hasExpect = false, hasAccept = false, hasContentType = false
        headerLines.removeAll()
        for (name, value) in request.headers {
            var name = name, value = value
            let nameIsToken = name.withUTF8 { !$0.isEmpty && $0.allSatisfy(Self.isTokenByte) }
            guard nameIsToken else { throw HTTPTransportError(.other, "invalid header name") }
            // CR/LF would inject headers; the message leaves the value out (it may be a secret).
            let valueIsSafe = value.withUTF8 { !$0.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 } }
            guard valueIsSafe else { throw HTTPTransportError(.other, "invalid value for header \(name)") }
            switch name.utf8.count {
            case 6:
                hasExpect = hasExpect || Self.asciiEqualIgnoringCase(name, "expect")
                hasAccept = hasAccept || Self.asciiEqualIgnoringCase(name, "accept")
            case 12:
                hasContentType = hasContentType || Self.asciiEqualIgnoringCase(name, "content-type")
            default:
                break
            }
            let lines = headerLines
            name.withUTF8 { n in value.withUTF8 { v in lines.append(name: n, value: v) } }
        }
        // Suppress curl's own defaults, so the wire carries what the connector
        // asked for. Not with SigV4: curl 7.88 names removed headers in
        // SignedHeaders and the signature breaks (c-libraries.md).
        if request.awsSigV4 == nil {
            // curl sends `Expect: 100-continue` only with a body over 1 MiB or of unknown size
            // (EXPECT_100_THRESHOLD): a small body in memory needs no line to remove it.
            if !hasExpect && (request.bodyFile != nil || (request.body?.count ?? 0) >= Self.expectFreeBodyBytes) {
                headerLines.append(line: "Expect:")
            }
            if !hasAccept { headerLines.append(line: "Accept:") }
            if sendsForm && !hasContentType { headerLines.append(line: "Content-Type:") }
        }
        if let list = headerLines.list() { try set(CURLOPT_HTTPHEADER, pointer: list) }
    }

    /// In-memory bodies below this size are sent without an `Expect:` removal line (well below
    /// curl's 1 MiB threshold for adding `Expect: 100-continue`).
    static let expectFreeBodyBytes = 64 << 10

    // MARK: - Typed setters that turn a failed setopt into an error

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPTransportError) {
        try check(ib_easy_setopt_long(handle, option, value), option)
    }

    /// curl copies string options, so a temporary C string is enough.
    private func set(_ option: CURLoption, _ value: String) throws(HTTPTransportError) {
        try check(ib_easy_setopt_str(handle, option, value), option)
    }

    private func set(_ option: CURLoption, pointer: UnsafeRawPointer?) throws(HTTPTransportError) {
        try check(ib_easy_setopt_ptr(handle, option, pointer), option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPTransportError) {
        guard code == CURLE_OK else { throw CurlErrors.optionError(code, option) }
    }

    private static func milliseconds(_ seconds: Double, _ what: String) throws(HTTPTransportError) -> Int {
        guard seconds.isFinite, seconds > 0 else { throw HTTPTransportError(.other, "invalid \(what)") }
        // curl treats 0 as "no limit": never round a short timeout down to it.
        return max(1, Int((min(seconds, 86_400) * 1000).rounded(.up)))
    }

    /// Header names are ASCII tokens: no need for Foundation's locale-aware comparison.
    static func asciiEqualIgnoringCase(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                for i in 0..<x.count {
                    let l = (0x41...0x5A).contains(x[i]) ? x[i] | 0x20 : x[i]
                    let r = (0x41...0x5A).contains(y[i]) ? y[i] | 0x20 : y[i]
                    if l != r { return false }
                }
                return true
            }
        }
    }

    /// RFC 9110 token characters (methods and header names).
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenByte)
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}

/// What fixes a request's options apart from its body and headers, for the kind of request
/// whose options `CurlTransfer.configure` may leave in place from the previous one: a body in
/// memory sent as a POST, nothing streamed from or to a file, no SigV4 or user credentials
/// (whose options a reset would have to clear). Nil for any other request.
struct CurlRequestProfile: Equatable {
    let url: String
    let timeout: Double
    let connectTimeout: Double
    let guarded: Bool
    let maxResponseBytes: Int

    init?(_ request: HTTPRequest) {
        guard request.method == "POST", request.body != nil, request.bodyFile == nil, request.responseBodyFile == nil,
              request.awsSigV4 == nil, request.userpwd == nil else { return nil }
        url = request.url
        timeout = request.timeout
        connectTimeout = request.connectTimeout
        guarded = request.guardAddresses && !request.allowPrivate
        maxResponseBytes = request.maxResponseBytes
    }
}
