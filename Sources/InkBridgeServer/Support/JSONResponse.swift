import InkBridgeCore
import MicroHTTP

extension HTTPServerResponse {
    /// A JSON answer. API answers describe live state: no cache may keep them.
    static func json(_ status: Int, _ value: JSON) -> HTTPServerResponse {
        .json(status, value.serialized(), headers: [("Cache-Control", "no-store")])
    }

    /// A list in the shape of SPEC section 8.1: `{"items": [...], "next_cursor": ... | null}`.
    static func list(_ items: [JSON], nextCursor: String? = nil) -> HTTPServerResponse {
        .json(200, .object(JSONObject([("items", .array(items)), ("next_cursor", nextCursor.map { .string($0) } ?? .null)])))
    }
}
