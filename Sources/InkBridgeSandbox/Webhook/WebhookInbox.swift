import Foundation
import InkBridgeCore
import MicroHTTP
import Synchronization

/// The receiver's state and request handling, shared by `WebhookReceiver` and its server's
/// handler (so the handler holds no reference back to the receiver, and releasing the
/// receiver stops the server).
final class WebhookInbox: Sendable {
    struct State {
        var received: [ReceivedWebhook] = []
        var script = WebhookScript()
        var rejectsInvalidSignatures = true
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
    }

    struct Waiter {
        var condition: @Sendable ([ReceivedWebhook]) -> Bool
        var continuation: CheckedContinuation<Bool, Never>
        var timeout: Task<Void, Never>?
    }

    /// Protects what was received, the script, and the tests waiting for requests. Taken by
    /// the server's handler tasks and by test threads.
    let state = Mutex(State())
    let verifier: StandardWebhookVerifier
    let clock: any HubClock

    init(verifier: StandardWebhookVerifier, clock: any HubClock) {
        self.verifier = verifier
        self.clock = clock
    }

    func handle(_ request: HTTPServerRequest) async -> HTTPServerResponse {
        let arrived = clock.now()
        let verdict = verifier.verify(headers: request.headers, body: request.body, now: arrived)
        let event = try? JSONParser.parse(request.body)
        let contractID = event?[path: "contract.id"]?.stringValue
        let sequence = event?[path: "contract.sequence"]?.int64Value
        let (answer, delay, ready) = state.withLock { s -> (WebhookScript.Answer, TimeInterval, [Waiter]) in
            let answer = (verdict != .valid && s.rejectsInvalidSignatures)
                ? WebhookScript.Answer(status: 401)
                : s.script.answer(contractID: contractID, sequence: sequence)
            s.received.append(ReceivedWebhook(arrivedAt: arrived, method: request.method, path: request.path,
                                              headers: request.headers, body: request.body,
                                              signature: verdict, status: answer.status,
                                              contractID: contractID, sequence: sequence))
            return (answer, s.script.delay, Self.takeSatisfied(&s))
        }
        for waiter in ready {
            waiter.timeout?.cancel()
            waiter.continuation.resume(returning: true)
        }
        // An async wait: the server's connection stays suspended, no thread is held.
        if delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
        if answer.status == 401 {
            return .text(401, "invalid webhook signature: \(verdict.rawValue)\n")
        }
        return HTTPServerResponse(status: answer.status, headers: answer.retryAfter.map { [("Retry-After", $0)] } ?? [])
    }

    /// Waits until `condition` holds for the requests received so far, re-checked on each
    /// arrival (no polling); false if `timeout` seconds pass first.
    func waitUntil(timeout: TimeInterval, _ condition: @escaping @Sendable ([ReceivedWebhook]) -> Bool) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let id = state.withLock { s -> Int? in
                if condition(s.received) { return nil }
                let id = s.nextWaiterID
                s.nextWaiterID += 1
                s.waiters[id] = Waiter(condition: condition, continuation: continuation, timeout: nil)
                return id
            }
            guard let id else { return continuation.resume(returning: true) }
            let timer = Task { [weak self] in
                try? await Task.sleep(for: .seconds(max(0, timeout)))
                guard !Task.isCancelled else { return }
                self?.expire(id)
            }
            // Keep the timer to cancel it on success; if the waiter is already gone, so is the need.
            let stillWaiting = state.withLock { s -> Bool in
                guard s.waiters[id] != nil else { return false }
                s.waiters[id]?.timeout = timer
                return true
            }
            if !stillWaiting { timer.cancel() }
        }
    }

    private func expire(_ id: Int) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.continuation.resume(returning: false)
    }

    /// Removes and returns the waiters whose condition now holds. Called under the lock.
    private static func takeSatisfied(_ s: inout State) -> [Waiter] {
        guard !s.waiters.isEmpty else { return [] }
        var ready: [Waiter] = []
        for (id, waiter) in s.waiters where waiter.condition(s.received) {
            ready.append(waiter)
            s.waiters[id] = nil
        }
        return ready
    }
}
