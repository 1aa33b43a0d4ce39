/// Deterministic bytes covering every value, different per seed (xorshift32): a request or
/// file body that is not all one value, so a dropped, doubled or reordered chunk shows.
public func patternBytes(_ count: Int, seed: UInt32 = 2_463_534_242) -> [UInt8] {
    var state = seed | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 17
        state ^= state << 5
        return UInt8(truncatingIfNeeded: state)
    }
}
