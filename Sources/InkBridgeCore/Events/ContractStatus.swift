/// The statuses a contract can report (SPEC section 2).
public enum ContractStatus: String, Sendable, CaseIterable {
    case draft, sent, viewed, signed, executed, declined, voided, expired, renewed, amended, terminated

    public static let allNames: Set<String> = Set(allCases.map(\.rawValue))
}

public enum EventType {
    public static let statusChanged = "contract.status_changed"
    /// Emitted by the hub's renewal scheduler; routable in `on` by this name.
    public static let renewalDue = "contract.renewal_due"
    public static let all: Set<String> = [statusChanged, renewalDue]
}
