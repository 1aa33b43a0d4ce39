import Foundation
import InkBridgeCore

/// The access token of one connector instance, shared by all its concurrent
/// deliveries.
///
/// Invariant: at most one token request is in flight. The first delivery that
/// needs a token starts the request as a task; every other delivery arriving
/// while it runs awaits that same task (single flight), so 50 concurrent
/// deliveries after an expiry cause exactly one request. The actor serialises
/// the bookkeeping; the request itself runs outside it.
actor SalesforceTokenCache {
    private let client: SalesforceTokenClient
    private let clock: any HubClock
    private var current: SalesforceAccessToken?
    private var inFlight: Task<Result<SalesforceAccessToken, SalesforceTokenFailure>, Never>?

    /// A token this close to its known expiry is renewed before use.
    static let expiryMargin: TimeInterval = 60

    init(client: SalesforceTokenClient, clock: any HubClock) {
        self.client = client
        self.clock = clock
    }

    /// The cached token, or a new one from the single in-flight request.
    func token() async -> Result<SalesforceAccessToken, SalesforceTokenFailure> {
        if let current, !isExpiring(current) { return .success(current) }
        if let inFlight { return await inFlight.value }
        let client = self.client
        let task = Task { await client.fetch() }
        inFlight = task
        let result = await task.value
        // Reentrancy: deliveries that arrived meanwhile awaited `task` too;
        // nothing else replaced `inFlight`, since it was non-nil throughout.
        inFlight = nil
        if case .success(let t) = result { current = t }
        return result
    }

    /// Forgets `stale` after Salesforce rejected it. A delivery whose 401 arrives
    /// after another delivery already replaced the token must not discard the
    /// fresh one, hence the comparison.
    func invalidate(_ stale: String) {
        if current?.value == stale { current = nil }
    }

    /// The token currently cached, to redact it from excerpts.
    var cachedValue: String? { current?.value }

    private func isExpiring(_ t: SalesforceAccessToken) -> Bool {
        guard let expiresAt = t.expiresAt else { return false }
        return clock.now().addingTimeInterval(Self.expiryMargin) >= expiresAt
    }
}
