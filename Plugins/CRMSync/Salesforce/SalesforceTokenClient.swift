import Foundation
import InkBridgeCore

/// An access token and, when the endpoint said so, when it stops working.
struct SalesforceAccessToken: Sendable, Equatable {
    let value: String
    let expiresAt: Date?
}

/// A token request that failed; carries the delivery outcome every waiting
/// delivery answers with.
struct SalesforceTokenFailure: Error, Sendable {
    let outcome: DeliveryOutcome
}

/// One OAuth 2.0 token request to Salesforce (wire-formats 1.1): a form-encoded
/// POST, client credentials flow, or refresh-token flow when a refresh token is
/// configured. Salesforce's client-credentials answer carries no `expires_in`,
/// so expiry is normally learnt from a 401 `INVALID_SESSION_ID`; an `expires_in`,
/// when present, is honoured too.
struct SalesforceTokenClient: Sendable {
    let tokenURL: String
    let clientID: String
    let clientSecret: String
    let refreshToken: String?
    let http: any HTTPTransport
    let allowPrivate: Bool
    let timeout: Double
    let redactor: SecretRedactor
    let clock: any HubClock

    var formFields: [(String, String)] {
        if let refreshToken {
            // client_secret is optional for this grant but harmless, and required
            // when the app enforces "Require Secret for Refresh Token Flow".
            return [("grant_type", "refresh_token"), ("refresh_token", refreshToken),
                    ("client_id", clientID), ("client_secret", clientSecret)]
        }
        return [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret)]
    }

    func fetch() async -> Result<SalesforceAccessToken, SalesforceTokenFailure> {
        let request = HTTPRequest(method: "POST", url: tokenURL,
                                  headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                                  body: URLEncoding.form(formFields), timeout: timeout, connectTimeout: min(10, timeout),
                                  maxResponseBytes: 64 << 10, guardAddresses: true, allowPrivate: allowPrivate)
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            return .failure(SalesforceTokenFailure(outcome: HTTPOutcomes.outcome(for: error, redactor: redactor, action: "token request")))
        }
        let json = try? JSONParser.parse(response.body)
        if response.status == 200, let token = json?["access_token"]?.stringValue, !token.isEmpty {
            var expiresAt: Date?
            if let seconds = json?["expires_in"]?.doubleValue ?? json?["expires_in"]?.stringValue.flatMap(Double.init), seconds > 0 {
                expiresAt = clock.now().addingTimeInterval(seconds)
            }
            return .success(SalesforceAccessToken(value: token, expiresAt: expiresAt))
        }
        // Never quote a body that may hold the token it failed to parse.
        let tokenValue = json?["access_token"]?.stringValue.map { [$0] } ?? []
        let excerpt = redactor.excerpt(response.body, extra: tokenValue)
        let error = json?["error"]?.stringValue
        let description = json?["error_description"]?.stringValue
        var message = "token request to \(tokenURL) answered \(response.status)"
        if let error { message += ": \(error)" + (description.map { " (\($0))" } ?? "") }
        if response.status == 200 { message += ": no access_token in the answer" }
        message = redactor.redact(message, extra: tokenValue)
        let outcome = HTTPOutcomes.failure(response, code: "auth", message: message, excerpt: excerpt, now: clock.now(),
                                           forceRetry: error == "rate_limit_exceeded")
        return .failure(SalesforceTokenFailure(outcome: outcome))
    }
}
