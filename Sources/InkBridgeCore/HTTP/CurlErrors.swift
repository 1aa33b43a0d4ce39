import CCurl
import Foundation

/// libcurl result codes as `HTTPTransportError`s. Messages are curl's fixed
/// text for the code, plus curl's error-buffer detail only for the kinds
/// whose detail names nothing but host, port, time and certificate problem:
/// never a URL (which may carry a SAS signature or credentials), a header or
/// the user:password.
enum CurlErrors {
    static func error(_ code: CURLcode, detail: String?) -> HTTPTransportError {
        let kind = kind(of: code)
        let text = String(cString: curl_easy_strerror(code))
        switch kind {
        case .timeout, .connectFailed, .tls:
            return HTTPTransportError(kind, detail.map { $0.isEmpty ? text : $0 } ?? text)
        default:
            return HTTPTransportError(kind, text)
        }
    }

    static func kind(of code: CURLcode) -> HTTPTransportError.Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .connectFailed
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED, CURLE_SSL_CLIENTCERT:
            return .tls
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY,
             CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_READ_ERROR, CURLE_WRITE_ERROR, CURLE_SEND_FAIL_REWIND:
            return .io
        default:
            return .other
        }
    }

    /// A setopt refused by curl: a feature missing from this libcurl build
    /// or memory exhaustion, not bad input (except the values checked before).
    static func optionError(_ code: CURLcode, _ option: CURLoption) -> HTTPTransportError {
        HTTPTransportError(.other, "curl option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
