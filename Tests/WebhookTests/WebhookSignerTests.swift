import InkBridgeCore
import Webhook
import XCTest

final class WebhookSignerTests: XCTestCase {
    /// The Standard Webhooks specification's published test vector.
    func testStandardWebhooksTestVector() throws {
        let signer = try WebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
        XCTAssertEqual(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    func testSecretFormatIsChecked() {
        XCTAssertThrowsError(try WebhookSigner(secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        XCTAssertThrowsError(try WebhookSigner(secret: "whsec_not*base64"))
        XCTAssertThrowsError(try WebhookSigner(secret: "whsec_c2hvcnQ="), "5 bytes is below the spec's 24")
    }
}
