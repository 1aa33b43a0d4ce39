import InkBridgeCore
import MicroHTTP
import Synchronization
import XCTest
@testable import InkBridgeServer

/// The router as a plain function: no socket, no hub.
final class RouterTests: XCTestCase {
    static func echo(_ name: String) -> RouteHandler {
        { context throws(APIError) in
            let params = context.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            return .text(200, "\(name) \(params)")
        }
    }

    func makeResponder(middleware: [any APIMiddleware] = []) -> APIResponder {
        var router = RouterBuilder()
        for m in middleware { router.use(m) }
        router.add("GET", "/v1/things/{id}", access: .anyone, handler: Self.echo("thing"))
        router.add("POST", "/v1/things/{id}/replay", access: .anyone, handler: Self.echo("replay"))
        router.add("GET", "/v1/things/special", access: .anyone, handler: Self.echo("special"))
        router.add("POST", "/v1/things", access: .anyone, handler: Self.echo("create"))
        router.add("GET", "/v1/fail", access: .anyone) { _ throws(APIError) in throw APIError(409, "conflict_here", "no", field: "x") }
        return router.freeze()
    }

    func call(_ responder: APIResponder, _ method: String, _ path: String) async -> (Int, String) {
        let r = await responder.respond(HTTPServerRequest(method: method, path: path))
        return (r.status, String(decoding: r.body, as: UTF8.self))
    }

    func testMatchesParametersAndPrefersLiteralSegments() async {
        let r = makeResponder()
        let thing = await call(r, "GET", "/v1/things/abc")
        XCTAssertEqual(thing.0, 200)
        XCTAssertEqual(thing.1, "thing id=abc")
        // Registered after the parameter route, the literal one still wins.
        let special = await call(r, "GET", "/v1/things/special")
        XCTAssertEqual(special.1, "special ")
        let replay = await call(r, "POST", "/v1/things/x1/replay")
        XCTAssertEqual(replay.1, "replay id=x1")
    }

    func testPercentDecodesEachSegmentSeparately() async {
        let r = makeResponder()
        let slash = await call(r, "GET", "/v1/things/evt%2F1%20a")
        XCTAssertEqual(slash.1, "thing id=evt/1 a")
        let utf8 = await call(r, "GET", "/v1/things/%C3%A9")
        XCTAssertEqual(utf8.1, "thing id=é")
        // A broken escape or bytes that are not UTF-8 match nothing.
        let broken = await call(r, "GET", "/v1/things/%zz")
        XCTAssertEqual(broken.0, 404)
        let notUTF8 = await call(r, "GET", "/v1/things/%FF")
        XCTAssertEqual(notUTF8.0, 404)
    }

    func testUnknownPathIs404AndWrongMethodIs405WithAllow() async throws {
        let r = makeResponder()
        for path in ["/", "/v1", "/v1/things/", "/v1/things/a/b/c", "v1/things", "/v1/things//replay", ""] {
            let answer = await r.respond(HTTPServerRequest(method: "GET", path: path))
            XCTAssertEqual(answer.status, 404, path)
            XCTAssertEqual(try JSONParser.parse(answer.body)[path: "error.code"], .string("route_not_found"), path)
        }
        let wrong = await r.respond(HTTPServerRequest(method: "DELETE", path: "/v1/things/abc"))
        XCTAssertEqual(wrong.status, 405)
        XCTAssertEqual(wrong.headers.first { $0.name == "Allow" }?.value, "GET")
        XCTAssertEqual(try JSONParser.parse(wrong.body)[path: "error.code"], .string("method_not_allowed"))
        let getOnPost = await call(r, "GET", "/v1/things")
        XCTAssertEqual(getOnPost.0, 405)
    }

    func testHeadIsAnsweredLikeGet() async {
        let head = await call(makeResponder(), "HEAD", "/v1/things/abc")
        XCTAssertEqual(head.0, 200)
    }

    func testThrownErrorBecomesTheJSONErrorShape() async throws {
        let answer = await makeResponder().respond(HTTPServerRequest(method: "GET", path: "/v1/fail"))
        XCTAssertEqual(answer.status, 409)
        XCTAssertEqual(answer.headers.first { $0.name == "Content-Type" }?.value, "application/json")
        let json = try JSONParser.parse(answer.body)
        XCTAssertEqual(json, ["error": ["code": "conflict_here", "message": "no", "field": "x"]])
    }

    func testMiddlewareRunsInOrderAroundEveryRequestIncludingUnmatched() async {
        let log = LogMiddleware.Log()
        let r = makeResponder(middleware: [LogMiddleware(name: "outer", log: log), LogMiddleware(name: "inner", log: log)])
        _ = await call(r, "GET", "/v1/things/a")
        _ = await call(r, "GET", "/nowhere")
        XCTAssertEqual(log.entries, ["outer>", "inner>", "<inner 200", "<outer 200", "outer>", "inner>", "<inner 404", "<outer 404"])
    }

    func testBearerTokenParsing() {
        XCTAssertEqual(BearerToken.parse("Bearer abc"), "abc")
        XCTAssertEqual(BearerToken.parse("bearer  abc "), "abc")
        XCTAssertEqual(BearerToken.parse("BEARER abc"), "abc")
        XCTAssertNil(BearerToken.parse("Basic YWJj"))
        XCTAssertNil(BearerToken.parse("Bearer "))
        XCTAssertNil(BearerToken.parse("Bearerabc"))
        XCTAssertNil(BearerToken.parse(nil))
        XCTAssertEqual(BearerToken.parse(" \tbEaReR \tkey-é\t "), "key-é", "blanks around scheme and token, scheme in any case")
        XCTAssertNil(BearerToken.parse("Bearer \t  "))
        XCTAssertNil(BearerToken.parse("Bearer\tabc"), "the scheme ends with a space")
        XCTAssertNil(BearerToken.parse("Bearez abc"))
    }

    func testOperatorCredentialComparesDigests() {
        let c = OperatorCredential(token: "s3cret")
        XCTAssertEqual(c?.matches("s3cret"), true)
        XCTAssertEqual(c?.matches("s3cret "), false)
        XCTAssertEqual(c?.matches(""), false)
        XCTAssertNil(OperatorCredential(token: ""))
        XCTAssertNil(OperatorCredential(token: nil))
    }
}

/// Records the order middleware runs in.
struct LogMiddleware: APIMiddleware {
    final class Log: Sendable {
        private let lines = Mutex<[String]>([])
        func add(_ s: String) { lines.withLock { $0.append(s) } }
        var entries: [String] { lines.withLock { $0 } }
    }

    let name: String
    let log: Log

    func handle(_ context: RequestContext, next: @Sendable (RequestContext) async -> HTTPServerResponse) async -> HTTPServerResponse {
        log.add("\(name)>")
        let r = await next(context)
        log.add("<\(name) \(r.status)")
        return r
    }
}
