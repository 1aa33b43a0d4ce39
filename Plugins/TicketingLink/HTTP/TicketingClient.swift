import Foundation
import InkBridgeCore

/// One ticketing system's view of the hub's HTTP transport: sends requests with the connector's
/// timeout and address policy, and turns every answer that is not a success into the outcome
/// SPEC section 5 asks for, with the API's own error message and a redacted excerpt.
struct TicketingClient: Sendable {
    /// `Zendesk`, `Jira`, `ServiceNow`: starts every error message.
    let system: String
    let http: any HTTPTransport
    let timeout: Double
    let allowPrivate: Bool
    let clock: any HubClock
    private(set) var redactor: SecretRedactor
    /// Pulls the API's own error text out of an error body (each system has its shape).
    let errorMessage: @Sendable ([UInt8]) -> String?

    /// Listing pages of 100 tickets with their descriptions can pass the transport's 1 MiB default.
    static let maxResponseBytes = 16 << 20

    init(system: String, context: ConnectorContext, secrets: [String], errorMessage: @escaping @Sendable ([UInt8]) -> String?) {
        self.system = system
        self.http = context.http
        self.timeout = context.timeout
        self.allowPrivate = context.network.allowPrivate
        self.clock = context.clock
        self.redactor = SecretRedactor(secrets)
        self.errorMessage = errorMessage
    }

    /// The same client, also redacting a secret obtained at run time (an OAuth access token).
    func redacting(_ secret: String?) -> TicketingClient {
        guard let secret else { return self }
        var copy = self
        copy.redactor = redactor.adding([secret])
        return copy
    }

    /// Sends one request and answers whatever status came back; throws only when no answer came.
    func exchange(_ method: String, _ url: String, headers: [(name: String, value: String)], body: [UInt8]? = nil,
                  contentType: String = "application/json") async throws(DeliveryStop) -> HTTPResponse {
        var all: [(name: String, value: String)] = [("Accept", "application/json"), ("User-Agent", "InkBridge")]
        if body != nil { all.append(("Content-Type", contentType)) }
        all += headers
        var request = HTTPRequest(method: method, url: url, headers: all, body: body, timeout: timeout,
                                  maxResponseBytes: Self.maxResponseBytes, guardAddresses: true, allowPrivate: allowPrivate)
        request.connectTimeout = min(request.connectTimeout, timeout)
        do {
            return try await http.send(request)
        } catch {
            let message = redactor.redact("\(system) \(method) \(Self.path(of: url)): \(error.message)")
            switch error.kind {
            case .blockedAddress, .invalidURL, .responseTooLarge:
                throw DeliveryStop(.permanent(error.kind.rawValue, message))
            case .timeout, .connectFailed, .tls, .io, .other:
                throw DeliveryStop(.retry(error.kind.rawValue, message))
            }
        }
    }

    /// Sends one request and requires a 2xx answer.
    @discardableResult
    func send(_ method: String, _ url: String, headers: [(name: String, value: String)], body: [UInt8]? = nil,
              contentType: String = "application/json") async throws(DeliveryStop) -> HTTPResponse {
        let response = try await exchange(method, url, headers: headers, body: body, contentType: contentType)
        guard (200..<300).contains(response.status) else { throw failure(response, method: method, url: url) }
        return response
    }

    /// Like `send`, but nil when the target answers 404: a ticket or issue deleted between the
    /// listing and its update is no longer one to update, and must not fail the whole delivery.
    func sendUnlessGone(_ method: String, _ url: String, headers: [(name: String, value: String)],
                        body: [UInt8]? = nil) async throws(DeliveryStop) -> HTTPResponse? {
        let response = try await exchange(method, url, headers: headers, body: body)
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status) else { throw failure(response, method: method, url: url) }
        return response
    }

    /// SPEC section 5: 408, 425, 429 and 5xx retry (Retry-After, capped, as `notBefore`); any other
    /// status is permanent. The message carries the API's own words so a user sees why.
    func failure(_ response: HTTPResponse, method: String, url: String) -> DeliveryStop {
        let status = response.status
        let excerpt = redactor.excerpt(response.body)
        var message = "\(system) \(method) \(Self.path(of: url)) answered \(status)"
        if let api = errorMessage(response.body), !api.isEmpty {
            message += ": " + SecretRedactor.truncate(redactor.redact(api), maxBytes: 512)
        }
        if status == 408 || status == 425 || status == 429 || (500..<600).contains(status) {
            // SPEC 5: the server's wish is honoured up to one hour.
            let now = clock.now()
            let notBefore = response.header("Retry-After").flatMap { RetryAfter.parse($0, now: now) }
                .map { min(max($0, now), now.addingTimeInterval(3600)) }
            return DeliveryStop(.retry("http_status", message, notBefore: notBefore, httpStatus: status, excerpt: excerpt))
        }
        return DeliveryStop(.permanent("http_status", message, httpStatus: status, excerpt: excerpt))
    }

    /// The body of a successful answer as JSON. A 2xx that is not JSON is most likely a proxy or
    /// maintenance page in front of the API, so it is retried rather than trusted.
    func json(_ response: HTTPResponse, method: String, url: String) throws(DeliveryStop) -> JSON {
        do {
            return try JSONParser.parse(response.body)
        } catch {
            throw DeliveryStop(.retry("invalid_response", "\(system) \(method) \(Self.path(of: url)) answered \(response.status) with a body that is not JSON",
                                      httpStatus: response.status, excerpt: redactor.excerpt(response.body)))
        }
    }

    /// The path of a URL without scheme, host or query, for messages (queries can be long and carry refs).
    static func path(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        let path = rest[slash...]
        return String(path.prefix { $0 != "?" && $0 != "#" })
    }

    /// `Authorization: Basic base64(user:password)`.
    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
}
