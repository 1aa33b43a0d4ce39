import Foundation
import InkBridgeCore
import MicroHTTP

/// HubSpot's wire details: error shapes, property checks, object JSON.
extension HubSpotEmulatorRouter {
    struct Refusal: Error {
        let response: HTTPServerResponse
    }

    static func correlationID() -> String { UUID().uuidString.lowercased() }

    /// `{"status":"error","message":...,"correlationId":...,"category":...}`
    static func error(_ status: Int, _ category: String, _ message: String) -> HTTPServerResponse {
        let body: JSON = ["status": "error", "message": .string(message), "correlationId": .string(correlationID()),
                          "category": .string(category)]
        return .json(status, body.serialized())
    }

    /// HubSpot's 429 body for a rate-limit policy.
    static func rateLimited(_ policy: String) -> HTTPServerResponse {
        let window = policy == "DAILY" ? "daily" : policy.lowercased()
        let body: JSON = ["status": "error", "message": .string("You have reached your \(window) limit."),
                          "errorType": "RATE_LIMIT", "correlationId": .string(correlationID()),
                          "policyName": .string(policy), "requestId": .string(correlationID())]
        return .json(429, body.serialized())
    }

    static func bearerToken(_ request: HTTPServerRequest) -> String? {
        guard let value = request.header("Authorization"), value.hasPrefix("Bearer ") else { return nil }
        return String(value.dropFirst("Bearer ".count))
    }

    static func jsonObject(_ request: HTTPServerRequest) -> Result<JSONObject, Refusal> {
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/json") == true else {
            return .failure(Refusal(response: error(415, "VALIDATION_ERROR", "Content-Type must be application/json")))
        }
        guard let json = try? JSONParser.parse(request.body), let o = json.objectValue else {
            return .failure(Refusal(response: error(400, "VALIDATION_ERROR", "Invalid input JSON on line 1: expected an object")))
        }
        return .success(o)
    }

    /// Property values are strings; every property must exist. The message
    /// embeds HubSpot's per-property list as JSON text, as the real API does.
    static func check(_ properties: JSONObject, schema: HubSpotObjectSchema) -> HTTPServerResponse? {
        var problems: [JSON] = []
        for (name, value) in properties.entries {
            if !schema.properties.contains(name) {
                let m = "Property \"\(name)\" does not exist"
                problems.append(["isValid": false, "message": .string(m), "error": "PROPERTY_DOESNT_EXIST", "name": .string(name)])
            } else if value.stringValue == nil {
                let m = "Property \"\(name)\" must be a string, not \(value.typeName)"
                problems.append(["isValid": false, "message": .string(m), "error": "INVALID_PROPERTY_VALUE", "name": .string(name)])
            }
        }
        guard !problems.isEmpty else { return nil }
        return error(400, "VALIDATION_ERROR", "Property values were not valid: \(JSON.array(problems).jsonText)")
    }

    /// `{id, properties, createdAt, updatedAt, archived}` with `hs_object_id` among the properties.
    static func objectJSON(_ record: HubSpotRecord) -> JSON {
        var props = record.properties
        props["hs_object_id"] = .string(record.id)
        return ["id": .string(record.id), "properties": .object(props), "createdAt": .string(RFC3339.format(record.createdAt)),
                "updatedAt": .string(RFC3339.format(record.updatedAt)), "archived": false]
    }
}
