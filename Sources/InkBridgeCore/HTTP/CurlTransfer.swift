import CCurl
import Foundation

/// One libcurl easy handle and the state of the request it runs. The loop
/// keeps finished transfers in a pool and reuses them, so the handle, its
/// error buffer and its upload buffer are allocated once, not per request.
///
/// Confined to the loop thread: only `CurlLoopWorker` and libcurl's
/// callbacks touch it, and libcurl runs those callbacks inside
/// `curl_multi_perform` on that same thread. That is why it has no lock.
final class CurlTransfer {
    let handle: UnsafeMutableRawPointer
    /// The loop's socket table: told of every socket this transfer opens (and, through
    /// the close-socket callback, closes).
    let sockets: CurlSockets
    /// CURLOPT_ERRORBUFFER: curl's detail for the last failure.
    let errorBuffer: UnsafeMutablePointer<CChar>

    /// The request running now; nil while pooled.
    private(set) var job: CurlJob?
    /// Position in the worker's list of active transfers (O(1) removal).
    var activeIndex = -1

    // Response, filled by the header and write callbacks.
    /// The response's header lines after its last status line, as received.
    var responseHeaderBlock: [UInt8] = []
    var headerBytes = 0
    var body: [UInt8] = []
    var bodyBytes = 0
    var maxBodyBytes = 0
    var outputFD: Int32 = -1
    var outputPath: String?

    // Upload from a file: bytes [uploadStart, uploadEnd) read with pread.
    var inputFD: Int32 = -1
    var uploadStart: Int64 = 0
    var uploadEnd: Int64 = 0
    var uploadPosition: Int64 = 0

    /// In-memory request body for CURLOPT_POSTFIELDS, which curl does not
    /// copy: it must outlive the transfer, so the transfer owns it.
    var postBuffer: UnsafeMutableRawPointer?
    var postCapacity = 0
    /// The kind of request whose options are set on the handle now (nil: none that
    /// `configure` may build on).
    var configuredProfile: CurlRequestProfile?
    /// The request's header lines, handed to curl as its `CURLOPT_HTTPHEADER` list.
    let headerLines = CurlHeaderLines()

    // Address guard.
    var guardActive = false
    /// "127.0.0.1 (loopback)" once the guard refused an address.
    var blockedAddress: String?
    /// Sockets opened for this request (0 when a kept-alive connection was reused).
    var socketsOpened = 0

    /// Set by a callback that aborts the transfer; wins over curl's code.
    var failure: HTTPTransportError?

    /// Response headers larger than this abort the transfer (a hostile server
    /// could otherwise stream headers forever; curl caps single lines only).
    static let maxHeaderBytes = 256 << 10

    init?(sockets: CurlSockets) {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.sockets = sockets
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        release()
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
        postBuffer?.deallocate()
    }

    /// Configures the handle for `job`. On a thrown error the caller must
    /// still call `end()`.
    func begin(_ job: CurlJob) throws(HTTPTransportError) {
        precondition(self.job == nil, "transfer already running")
        self.job = job
        errorBuffer[0] = 0
        try configure(job.request)
    }

    /// The outcome of the transfer curl just finished with `code`.
    func finish(_ code: CURLcode) -> CurlJob.Outcome {
        if code == CURLE_OK && failure == nil {
            var status = 0
            _ = ib_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            var micros: curl_off_t = 0
            _ = ib_easy_getinfo_off(handle, CURLINFO_TOTAL_TIME_T, &micros)
            if outputFD >= 0 {
                let closed = close(outputFD)
                outputFD = -1
                if closed != 0 {
                    let error = HTTPTransportError(.io, "closing response file: \(CurlErrors.errnoText())")
                    if let outputPath { unlink(outputPath) }
                    return .failure(error)
                }
            }
            var bytes: [UInt8] = []
            swap(&bytes, &body)
            // Shared with the response; the transfer's next `removeAll` starts a buffer of its own.
            return .success(HTTPResponse(status: status, headerBlock: responseHeaderBlock, body: bytes, duration: Double(micros) / 1e6))
        }
        let error = failure ?? guardFailure(code) ?? (code == CURLE_FILESIZE_EXCEEDED
            ? HTTPTransportError(.responseTooLarge, "response body over \(maxBodyBytes) bytes (Content-Length)")
            : CurlErrors.error(code, detail: errorDetail))
        discardOutputFile()
        return .failure(error)
    }

    /// Releases the per-request state and hands back the job; the transfer
    /// can then go back to the pool.
    @discardableResult
    func end() -> CurlJob? {
        discardOutputFile()
        outputPath = nil
        release()
        let finished = job
        job = nil
        responseHeaderBlock.removeAll(keepingCapacity: true)
        body = []
        headerBytes = 0
        bodyBytes = 0
        uploadStart = 0
        uploadEnd = 0
        uploadPosition = 0
        guardActive = false
        blockedAddress = nil
        socketsOpened = 0
        failure = nil
        // A huge in-memory upload should not stay pinned in the pool.
        if postCapacity > 1 << 20 {
            postBuffer?.deallocate()
            postBuffer = nil
            postCapacity = 0
        }
        return finished
    }

    /// A connect failure caused by the guard refusing every address.
    private func guardFailure(_ code: CURLcode) -> HTTPTransportError? {
        guard let blockedAddress, code == CURLE_COULDNT_CONNECT else { return nil }
        // An allowed address was tried too: it is the one that failed.
        guard socketsOpened == 0 else { return nil }
        return HTTPTransportError(.blockedAddress, "refused to connect to \(blockedAddress)")
    }

    private var errorDetail: String? {
        errorBuffer[0] == 0 ? nil : String(cString: errorBuffer)
    }

    private func discardOutputFile() {
        guard outputFD >= 0 else { return }
        close(outputFD)
        outputFD = -1
        // A partial download must not look like a complete one.
        if let outputPath { unlink(outputPath) }
        outputPath = nil
    }

    private func release() {
        if inputFD >= 0 {
            close(inputFD)
            inputFD = -1
        }
        headerLines.removeAll()
    }
}
