import InkBridgeCore
import XCTest

final class DigestAndRedactorTests: XCTestCase {
    func testHexRoundTripAndRejects() {
        let bytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xab, 0xff]
        XCTAssertEqual(Digest.bytes(fromHex: Digest.hex(bytes)), bytes)
        XCTAssertEqual(Digest.bytes(fromHex: "ABff"), [0xab, 0xff])
        XCTAssertNil(Digest.bytes(fromHex: "abc"), "odd length")
        XCTAssertNil(Digest.bytes(fromHex: "zz"), "not hex")
    }

    func testRedactorMasksTheLongestSecretWholeAndIgnoresShortOnes() {
        let r = SecretRedactor(["token", "token-secret-123", "ab"])
        XCTAssertEqual(r.redact("got token-secret-123 and token, ab"), "got [redacted] and [redacted], ab")
        XCTAssertEqual(r.redact("issued run-time-value", extra: ["run-time-value"]), "issued [redacted]")
        XCTAssertEqual(Excerpt.make(Array("x token-secret-123 y".utf8), redacting: ["token", "token-secret-123"]), "x [redacted] y")
        XCTAssertEqual(SecretRedactor.truncate("éé", maxBytes: 3), "é", "cut at a character boundary")
    }
}
