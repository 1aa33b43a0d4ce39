import Foundation
import InkBridgeSandbox
import XCTest

/// The signature check against the Standard Webhooks published test vector.
final class StandardWebhookVerifierTests: XCTestCase {
    private let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    private let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    private let timestamp = "1614265330"
    private let payload = Array(#"{"test": 2432232314}"#.utf8)
    private let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    private var atTimestamp: Date { Date(timeIntervalSince1970: 1614265330) }

    func testSignatureMatchesThePublishedVector() throws {
        let verifier = try StandardWebhookVerifier(secret: secret)
        XCTAssertEqual(verifier.sign(id: id, timestamp: timestamp, body: payload), expected)
        XCTAssertEqual(verifier.verify(id: id, timestamp: timestamp, signatureHeader: expected, body: payload, now: atTimestamp), .valid)
    }

    func testTamperedMessagesAreRejected() throws {
        let verifier = try StandardWebhookVerifier(secret: secret)
        func verdict(id: String? = nil, timestamp: String? = nil, signature: String? = nil, body: [UInt8]? = nil,
                     now: Date? = nil) -> StandardWebhookVerifier.Verdict {
            verifier.verify(id: id ?? self.id, timestamp: timestamp ?? self.timestamp, signatureHeader: signature ?? expected,
                            body: body ?? payload, now: now ?? atTimestamp)
        }
        XCTAssertEqual(verdict(body: Array(#"{"test": 2432232315}"#.utf8)), .signatureMismatch, "one digit of the body changed")
        XCTAssertEqual(verdict(body: Array(#"{"test":2432232314}"#.utf8)), .signatureMismatch, "whitespace is part of the body")
        XCTAssertEqual(verdict(id: "msg_p5jXN8AQM9LWM0D4loKWxJeK"), .signatureMismatch, "another message id")
        XCTAssertEqual(verdict(signature: "v1,g1hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), .signatureMismatch, "one bit of the MAC")
        XCTAssertEqual(verdict(signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF="), .signatureMismatch,
                       "same bytes with other padding bits: not the text that was signed")
        XCTAssertEqual(verdict(signature: "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), .signatureMismatch, "only v1 is HMAC")
        XCTAssertEqual(verdict(signature: "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), .signatureMismatch, "the v1, prefix is required")
        let otherKey = try StandardWebhookVerifier(secret: "whsec_" + Data(repeating: 7, count: 24).base64EncodedString())
        XCTAssertEqual(otherKey.verify(id: id, timestamp: timestamp, signatureHeader: expected, body: payload, now: atTimestamp),
                       .signatureMismatch, "another secret")
    }

    func testSeveralSignaturesAnyV1MatchAccepts() throws {
        let verifier = try StandardWebhookVerifier(secret: secret)
        let header = "v1,Zm9yZ2VkIHNpZ25hdHVyZQ== v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg== \(expected)"
        XCTAssertEqual(verifier.verify(id: id, timestamp: timestamp, signatureHeader: header, body: payload, now: atTimestamp), .valid)
        XCTAssertEqual(verifier.verify(id: id, timestamp: timestamp, signatureHeader: "v1,not-base64!! v1,Zm9v", body: payload,
                                       now: atTimestamp), .signatureMismatch)
    }

    func testTimestampToleranceIsFiveMinutesEitherWay() throws {
        let verifier = try StandardWebhookVerifier(secret: secret)
        func verdict(at offset: TimeInterval) -> StandardWebhookVerifier.Verdict {
            verifier.verify(id: id, timestamp: timestamp, signatureHeader: expected, body: payload,
                            now: atTimestamp.addingTimeInterval(offset))
        }
        XCTAssertEqual(verdict(at: 299), .valid)
        XCTAssertEqual(verdict(at: -299), .valid)
        XCTAssertEqual(verdict(at: 301), .timestampOutOfTolerance, "an old message is a possible replay")
        XCTAssertEqual(verdict(at: -301), .timestampOutOfTolerance)
    }

    func testMissingHeadersMalformedTimestampAndBadSecret() throws {
        let verifier = try StandardWebhookVerifier(secret: secret)
        XCTAssertEqual(verifier.verify(id: nil, timestamp: timestamp, signatureHeader: expected, body: payload, now: atTimestamp),
                       .missingHeaders)
        XCTAssertEqual(verifier.verify(headers: [("Webhook-Id", id), ("Webhook-Timestamp", timestamp)], body: payload, now: atTimestamp),
                       .missingHeaders)
        XCTAssertEqual(verifier.verify(headers: [("Webhook-Id", id), ("Webhook-Timestamp", timestamp), ("WEBHOOK-SIGNATURE", expected)],
                                       body: payload, now: atTimestamp), .valid, "header names are case-insensitive")
        XCTAssertEqual(verifier.verify(id: id, timestamp: "1614265330.5", signatureHeader: expected, body: payload, now: atTimestamp),
                       .malformedTimestamp)
        XCTAssertThrowsError(try StandardWebhookVerifier(secret: "whsec_***not base64***")) { error in
            XCTAssertFalse(String(describing: error).contains("not base64***"), "the secret stays out of the message")
        }
    }
}
