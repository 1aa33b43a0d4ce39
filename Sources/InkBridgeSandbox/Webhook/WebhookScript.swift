import Foundation

/// Which deliveries a scripted answer applies to, by the event in the body.
public struct DeliveryMatch: Sendable, Equatable {
    public var contractID: String?
    public var sequence: Int64?

    /// Every request.
    public static let any = DeliveryMatch()

    /// Requests whose body's `contract.id` is `contractID` (and `contract.sequence` is
    /// `sequence`, when given).
    public static func contract(_ contractID: String, sequence: Int64? = nil) -> DeliveryMatch {
        DeliveryMatch(contractID: contractID, sequence: sequence)
    }

    public init(contractID: String? = nil, sequence: Int64? = nil) {
        self.contractID = contractID
        self.sequence = sequence
    }

    func matches(contractID: String?, sequence: Int64?) -> Bool {
        if let wanted = self.contractID, wanted != contractID { return false }
        if let wanted = self.sequence, wanted != sequence { return false }
        return true
    }
}

/// What the receiver answers, programmed by a test: failures to hand out first, then the
/// default status. A pure value; `WebhookReceiver` keeps it behind its lock.
struct WebhookScript: Sendable {
    struct Failure: Sendable {
        var match: DeliveryMatch
        var remaining: Int
        var status: Int
        var retryAfter: String?
    }

    struct Answer: Sendable, Equatable {
        var status: Int
        var retryAfter: String?
    }

    /// Rules in the order they were added; the first that matches and has failures left wins.
    var failures: [Failure] = []
    var defaultStatus = 204
    /// Seconds each answer waits (a slow receiver).
    var delay: TimeInterval = 0

    /// Decides the answer to one request and uses up one failure of the rule that applied.
    mutating func answer(contractID: String?, sequence: Int64?) -> Answer {
        guard let index = failures.firstIndex(where: {
            $0.remaining > 0 && $0.match.matches(contractID: contractID, sequence: sequence)
        }) else { return Answer(status: defaultStatus) }
        failures[index].remaining -= 1
        let rule = failures[index]
        if rule.remaining == 0 { failures.remove(at: index) }
        return Answer(status: rule.status, retryAfter: rule.retryAfter)
    }
}
