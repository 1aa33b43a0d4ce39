/// The states of a delivery (SPEC section 5).
public enum DeliveryState: String, Sendable, CaseIterable {
    case pending
    case inFlight = "in_flight"
    case succeeded
    case retrying
    case dead
    case superseded
    case stale
    case paused

    /// The compact code stored in the database. Append-only: never renumber.
    public var code: Int64 {
        switch self {
        case .pending: return 0
        case .inFlight: return 1
        case .succeeded: return 2
        case .retrying: return 3
        case .dead: return 4
        case .superseded: return 5
        case .stale: return 6
        case .paused: return 7
        }
    }

    public init?(code: Int64) {
        guard let s = DeliveryState.allCases.first(where: { $0.code == code }) else { return nil }
        self = s
    }

    /// Still owed to the external system: holds its lane for later deliveries of the same contract.
    public var isActive: Bool { self == .pending || self == .inFlight || self == .retrying || self == .paused }
    public var isTerminal: Bool { !isActive }
}
