import Foundation
import InkBridgeCore

/// The OAuth access token of one ServiceNow connector, shared by its concurrent deliveries so
/// they do not each ask `/oauth_token.do` for a token.
actor ServiceNowTokenCache {
    private var token: String?
    private var expiresAt = Date.distantPast

    /// A token ServiceNow sees as expired is useless; a minute's margin covers clock skew and the request's own time.
    static let margin: Double = 60

    func valid(at now: Date) -> String? {
        guard let token, now < expiresAt else { return nil }
        return token
    }

    func store(_ token: String, expiresIn: Double, now: Date) {
        self.token = token
        expiresAt = now.addingTimeInterval(max(expiresIn - Self.margin, 0))
    }

    /// Drops `token` after the instance refused it (revoked early), unless another delivery already replaced it.
    func invalidate(_ refused: String) {
        if token == refused {
            token = nil
            expiresAt = .distantPast
        }
    }
}

extension ServiceNowConnector {
    /// The `Authorization` header value and the runtime secret to redact with it.
    func authorization(refresh: Bool) async throws(DeliveryStop) -> (header: String, token: String?) {
        switch settings.auth {
        case .basic(let header):
            return (header, nil)
        case .oauth(let form):
            let now = client.clock.now()
            if !refresh, let token = await tokens.valid(at: now) { return ("Bearer " + token, token) }
            let url = "\(settings.instanceURL)/oauth_token.do"
            // ServiceNow's token endpoint takes form fields only; JSON gets an unhelpful error.
            let body = form.map { "\(Self.formEncode($0.name))=\(Self.formEncode($0.value))" }.joined(separator: "&")
            let response = try await client.send("POST", url, headers: [], body: Array(body.utf8),
                                                 contentType: "application/x-www-form-urlencoded")
            let json = try client.json(response, method: "POST", url: url)
            guard let token = json["access_token"]?.stringValue, !token.isEmpty else {
                // The answer may hold other tokens (refresh_token): no excerpt.
                throw DeliveryStop(.retry("invalid_response", "ServiceNow POST /oauth_token.do answered \(response.status) without an access_token",
                                          httpStatus: response.status))
            }
            let expiresIn = json["expires_in"]?.doubleValue ?? 1800
            await tokens.store(token, expiresIn: expiresIn, now: now)
            return ("Bearer " + token, token)
        }
    }

    /// application/x-www-form-urlencoded: unreserved characters stay, everything else is %XX.
    static func formEncode(_ s: String) -> String { URLTemplate.percentEncode(s) }
}
