import Foundation
import InkBridgeCore
import MicroHTTP
import Synchronization

/// A local receiver of signed webhooks, for tests and `inkbridge demo`.
///
/// It listens on 127.0.0.1 (port 0: the OS picks one), verifies each request's Standard
/// Webhooks signature, records every request in arrival order, and answers as scripted:
/// scripted failures first (`failNext`), then the default status (204). A request with a
/// bad or missing signature is answered 401 (unless turned off with
/// `setRejectsInvalidSignatures(false)`) and uses up no scripted failure.
public final class WebhookReceiver: Sendable {
    private let inbox: WebhookInbox
    /// The running server; nil once stopped.
    private let server: Mutex<MicroHTTPServer?>

    /// The port listened on.
    public let port: UInt16

    /// A URL to give a webhook connector (any path is accepted and recorded).
    public var url: String { "http://127.0.0.1:\(port)/webhook" }

    /// Starts listening. `secret` is the endpoint's `whsec_...` secret; `clock` dates arrivals
    /// and is the "now" of the timestamp tolerance (5 minutes by default).
    public init(secret: String, host: String = "127.0.0.1", port: UInt16 = 0, tolerance: TimeInterval = 300,
                clock: any HubClock = SystemClock()) throws {
        let inbox = WebhookInbox(verifier: try StandardWebhookVerifier(secret: secret, tolerance: tolerance), clock: clock)
        let server = try MicroHTTPServer(host: host, port: port) { request in await inbox.handle(request) }
        self.inbox = inbox
        self.server = Mutex(server)
        self.port = server.port
    }

    deinit { stop() }

    /// Stops listening (requests in progress finish first, bounded by the server). Idempotent.
    public func stop() {
        let server = self.server.withLock { s -> MicroHTTPServer? in
            defer { s = nil }
            return s
        }
        server?.stop()
    }

    // MARK: Script

    /// Answers the next `count` requests that match `match` with `status` (and `Retry-After`,
    /// when given). Rules apply in the order they were added; a rule is used up after `count`.
    public func failNext(count: Int = 1, status: Int = 500, retryAfter: String? = nil, matching match: DeliveryMatch = .any) {
        precondition(count > 0, "failNext needs a positive count")
        inbox.state.withLock {
            $0.script.failures.append(.init(match: match, remaining: count, status: status, retryAfter: retryAfter))
        }
    }

    /// The status answered when no scripted failure applies (204 to begin with).
    public func setDefaultStatus(_ status: Int) { inbox.state.withLock { $0.script.defaultStatus = status } }

    /// Makes every answer come `seconds` late (a slow receiver; 0 turns it off).
    public func setDelay(_ seconds: TimeInterval) { inbox.state.withLock { $0.script.delay = max(0, seconds) } }

    /// Whether a request with a bad signature is answered 401 (true) or scripted like the rest.
    public func setRejectsInvalidSignatures(_ rejects: Bool) { inbox.state.withLock { $0.rejectsInvalidSignatures = rejects } }

    /// Forgets the scripted failures and the delay; keeps the default status and what was received.
    public func resetScript() {
        inbox.state.withLock { s in
            let status = s.script.defaultStatus
            s.script = WebhookScript()
            s.script.defaultStatus = status
        }
    }

    // MARK: What was received

    /// Every request so far, in arrival order.
    public var requests: [ReceivedWebhook] { inbox.state.withLock { $0.received } }

    /// The requests whose body's `contract.id` is `contractID`, in arrival order.
    public func deliveries(forContract contractID: String) -> [ReceivedWebhook] {
        requests.filter { $0.contractID == contractID }
    }

    /// Waits until at least `count` requests arrived; false if `timeout` seconds pass first.
    /// Woken by the arrivals themselves, not by polling.
    public func waitForRequests(count: Int, timeout: TimeInterval) async -> Bool {
        await inbox.waitUntil(timeout: timeout) { $0.count >= count }
    }

    /// Waits until `condition` holds for the requests received so far (checked on each
    /// arrival); false if `timeout` seconds pass first.
    public func waitUntil(timeout: TimeInterval, _ condition: @escaping @Sendable ([ReceivedWebhook]) -> Bool) async -> Bool {
        await inbox.waitUntil(timeout: timeout, condition)
    }
}
