import Foundation

/// Opaque, time-ordered ids (`dlv_01JD...`): 48 bits of milliseconds and 80
/// random bits in Crockford base32, like a ULID.
public enum IDGenerator {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func make(_ prefix: String, now: Date = Date()) -> String {
        var rng = SystemRandomNumberGenerator()
        let ms = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let hi = rng.next() as UInt64
        let lo = rng.next() as UInt16
        var out = [UInt8]()
        out.reserveCapacity(prefix.utf8.count + 27)
        out.append(contentsOf: prefix.utf8)
        out.append(UInt8(ascii: "_"))
        for i in stride(from: 45, through: 0, by: -5) { out.append(alphabet[Int((ms >> UInt64(i)) & 31)]) }
        // All 80 random bits, 5 per character (the lowest 4 bits of `hi` used to be left out).
        let random = UInt128(hi) << 16 | UInt128(lo)
        for i in stride(from: 75, through: 0, by: -5) { out.append(alphabet[Int((random >> UInt128(i)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
