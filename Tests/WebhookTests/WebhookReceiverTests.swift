import Foundation
import InkBridgeSandbox
import XCTest

/// The receiver emulator over a real socket, driven by the curl command-line tool.
final class WebhookReceiverTests: XCTestCase {
    private static let secret = "whsec_" + Data((0..<32).map { UInt8($0 * 7 % 251) }).base64EncodedString()

    private struct Answer: Sendable {
        var status: Int
        var headers: [String: String]
    }

    private func post(_ receiver: WebhookReceiver, _ body: String, id: String = "dlv_\(UUID().uuidString)",
                      signed: Bool = true, timestamp: Date = Date()) async throws -> Answer {
        try await Self.post(receiver, body, secret: Self.secret, id: id, signed: signed, timestamp: timestamp)
    }

    /// POSTs `body` with a correct Standard Webhooks signature (unless `signed` is false).
    private static func post(_ receiver: WebhookReceiver, _ body: String, secret: String, id: String = "dlv_\(UUID().uuidString)",
                             signed: Bool = true, timestamp: Date = Date()) async throws -> Answer {
        let ts = String(Int(timestamp.timeIntervalSince1970))
        var arguments = ["-o", "/dev/null", "-D", "-", "-X", "POST",
                         "-H", "Content-Type: application/json", "--data-binary", body, receiver.url]
        if signed {
            let signature = try StandardWebhookVerifier(secret: secret).sign(id: id, timestamp: ts, body: Array(body.utf8))
            arguments += ["-H", "webhook-id: \(id)", "-H", "webhook-timestamp: \(ts)", "-H", "webhook-signature: \(signature)"]
        }
        let output = String(decoding: try await runCurl(arguments).output, as: UTF8.self)
        let lines = output.components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Answer(status: status, headers: headers)
    }

    private func event(_ contract: String, _ sequence: Int) -> String {
        #"{"id":"evt_\#(contract)_\#(sequence)","type":"contract.status_changed","occurred_at":"2026-11-21T10:15:00Z","contract":{"id":"\#(contract)","sequence":\#(sequence),"status":"executed"}}"#
    }

    func testSignedDeliveryIsRecordedAndAnswered204() async throws {
        let receiver = try WebhookReceiver(secret: Self.secret)
        defer { receiver.stop() }
        let body = event("ctr_42", 4)
        let answer = try await post(receiver, body, id: "dlv_1")
        XCTAssertEqual(answer.status, 204)

        let request = try XCTUnwrap(receiver.requests.first)
        XCTAssertEqual(receiver.requests.count, 1)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/webhook")
        XCTAssertEqual(request.body, Array(body.utf8), "the body is recorded byte for byte")
        XCTAssertEqual(request.webhookID, "dlv_1")
        XCTAssertEqual(request.header("content-type"), "application/json")
        XCTAssertTrue(request.signatureValid)
        XCTAssertEqual(request.status, 204)
        XCTAssertEqual(request.contractID, "ctr_42")
        XCTAssertEqual(request.sequence, 4)
        XCTAssertLessThan(abs(request.arrivedAt.timeIntervalSinceNow), 30)
    }

    func testBadOrMissingSignatureIsAnswered401AndRecorded() async throws {
        let receiver = try WebhookReceiver(secret: Self.secret)
        defer { receiver.stop() }
        receiver.failNext(count: 1, status: 503)
        let unsigned = try await post(receiver, event("ctr_1", 1), signed: false)
        let stale = try await post(receiver, event("ctr_1", 1), timestamp: Date().addingTimeInterval(-600))
        XCTAssertEqual(unsigned.status, 401)
        XCTAssertEqual(stale.status, 401)
        XCTAssertEqual(receiver.requests.map(\.signature), [.missingHeaders, .timestampOutOfTolerance])
        let scripted = try await post(receiver, event("ctr_1", 1))
        XCTAssertEqual(scripted.status, 503, "a rejected signature uses up no scripted failure")

        receiver.setRejectsInvalidSignatures(false)
        let accepted = try await post(receiver, event("ctr_1", 1), signed: false)
        XCTAssertEqual(accepted.status, 204)
        XCTAssertEqual(receiver.requests.map(\.signatureValid), [false, false, true, false])
    }

    func testScriptedFailuresComeFirstThenTheDefault() async throws {
        let receiver = try WebhookReceiver(secret: Self.secret)
        defer { receiver.stop() }
        receiver.failNext(count: 2, status: 503, retryAfter: "7")
        receiver.failNext(count: 1, status: 410)
        var answers: [Answer] = []
        for i in 0..<5 { answers.append(try await post(receiver, event("ctr_9", i))) }
        XCTAssertEqual(answers.map(\.status), [503, 503, 410, 204, 204])
        XCTAssertEqual(answers.map { $0.headers["retry-after"] }, ["7", "7", nil, nil, nil])
        XCTAssertEqual(receiver.requests.map(\.status), [503, 503, 410, 204, 204], "each record has the status it got")
        XCTAssertEqual(receiver.requests.compactMap(\.sequence), [0, 1, 2, 3, 4], "records keep arrival order")

        receiver.setDefaultStatus(200)
        let afterDefault = try await post(receiver, event("ctr_9", 5))
        XCTAssertEqual(afterDefault.status, 200)
    }

    func testFailuresForOneContractOrSequenceOnly() async throws {
        let receiver = try WebhookReceiver(secret: Self.secret)
        defer { receiver.stop() }
        receiver.failNext(count: 1, status: 500, matching: .contract("ctr_a", sequence: 2))
        receiver.failNext(count: 2, status: 429, retryAfter: "1", matching: .contract("ctr_b"))
        let sent: [(String, Int)] = [("ctr_a", 1), ("ctr_b", 1), ("ctr_a", 2), ("ctr_c", 1), ("ctr_b", 2), ("ctr_a", 2), ("ctr_b", 3)]
        var statuses: [Int] = []
        for (contract, sequence) in sent { statuses.append(try await post(receiver, event(contract, sequence)).status) }
        XCTAssertEqual(statuses, [204, 429, 500, 204, 429, 204, 204])
        XCTAssertEqual(receiver.deliveries(forContract: "ctr_a").map(\.sequence), [1, 2, 2])
        XCTAssertEqual(receiver.deliveries(forContract: "ctr_a").map(\.status), [204, 500, 204])
        XCTAssertEqual(receiver.deliveries(forContract: "ctr_b").map(\.status), [429, 429, 204])
        XCTAssertEqual(receiver.deliveries(forContract: "ctr_none").count, 0)
    }

    func testSlowReceiverDelaysItsAnswerWithoutBlockingOthers() async throws {
        let receiver = try WebhookReceiver(secret: Self.secret)
        defer { receiver.stop() }
        receiver.setDelay(0.5)
        let started = Date()
        // Eight concurrent deliveries all wait the delay at once: answers are not serialised.
        let bodies = (0..<8).map { event("ctr_s", $0) }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for body in bodies { group.addTask { try await Self.post(receiver, body, secret: Self.secret).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(statuses, Array(repeating: 204, count: 8))
        XCTAssertGreaterThanOrEqual(elapsed, 0.5, "the answer came no sooner than the delay")
        XCTAssertLessThan(elapsed, 3.5, "eight delayed answers overlapped (serialised would take 4 s)")

        receiver.resetScript()
        let quick = Date()
        _ = try await post(receiver, event("ctr_s", 9))
        XCTAssertLessThan(Date().timeIntervalSince(quick), 0.5)
    }

    func testWaitForRequestsWakesOnArrivalAndTimesOut() async throws {
        let receiver = try WebhookReceiver(secret: Self.secret)
        defer { receiver.stop() }
        async let arrived = receiver.waitForRequests(count: 3, timeout: 20)
        let started = Date()
        for i in 0..<3 { _ = try await post(receiver, event("ctr_w", i)) }
        let reached = await arrived
        XCTAssertTrue(reached)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "woken by the third arrival, not by the timeout")
        let already = await receiver.waitForRequests(count: 3, timeout: 0)
        XCTAssertTrue(already, "a condition that already holds returns at once")

        let before = Date()
        let never = await receiver.waitForRequests(count: 4, timeout: 0.2)
        XCTAssertFalse(never)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(before), 0.2)
        let ctrW = await receiver.waitUntil(timeout: 1) { $0.filter { $0.contractID == "ctr_w" }.count == 3 }
        XCTAssertTrue(ctrW)
    }
}
