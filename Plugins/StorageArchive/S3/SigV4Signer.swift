import Foundation
import InkBridgeCore

/// AWS Signature Version 4 for header-based authentication, over the hub's
/// libcrypto HMAC-SHA256 (`Digest`).
///
/// We sign ourselves instead of using libcurl's CURLOPT_AWS_SIGV4: on the
/// libcurl of this platform (7.88) a header removed from the list is still
/// named in SignedHeaders, upload payloads are hashed as empty unless the
/// caller supplies the hash, and the query/port canonicalisation had bugs in
/// several releases. Here every header we send that S3 interprets is signed,
/// and the result is checked against AWS's published examples.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
struct SigV4Signer: Sendable {
    struct Credentials: Sendable {
        let accessKeyID: String
        let secretAccessKey: String
        let sessionToken: String?
    }

    /// The pieces of one signature, kept for tests and for debugging a mismatch.
    struct Signature: Sendable {
        let canonicalRequest: String
        let stringToSign: String
        let signedHeaders: String
        let signature: String
        let authorization: String
    }

    static let algorithm = "AWS4-HMAC-SHA256"
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    let credentials: Credentials
    let region: String
    let service: String

    /// `20130524T000000Z`, the form of `x-amz-date`.
    static func amzDate(_ date: Date) -> String {
        let iso = RFC3339.format(date)  // 2013-05-24T00:00:00.000Z
        let digits = iso.prefix(19).filter { $0 != "-" && $0 != ":" }
        return digits + "Z"
    }

    /// Signs a request whose headers already include `host`, `x-amz-date` and
    /// `x-amz-content-sha256`. Every header given is signed.
    /// - Parameters:
    ///   - path: the URI path exactly as it is sent (already percent-encoded, S3 style).
    ///   - query: the query parameters, not encoded.
    func sign(method: String, path: String, query: [(name: String, value: String)],
              headers: [(name: String, value: String)], payloadHash: String, amzDate: String) -> Signature {
        let dateStamp = String(amzDate.prefix(8))
        let scope = "\(dateStamp)/\(region)/\(service)/aws4_request"

        // Canonical headers: lower-case names, sorted; values trimmed, inner runs of
        // spaces collapsed; repeated names joined with commas in sending order.
        var merged: [String: [String]] = [:]
        for header in headers {
            merged[header.name.lowercased(), default: []].append(Self.trimmedValue(header.value))
        }
        let names = merged.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")

        var encodedQuery: [(name: String, value: String)] = query.map {
            (AWSURIEncoding.encode($0.name, keepSlash: false), AWSURIEncoding.encode($0.value, keepSlash: false))
        }
        encodedQuery.sort { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        let canonicalQuery = encodedQuery.map { "\($0.name)=\($0.value)" }.joined(separator: "&")

        let canonicalRequest = [method, path.isEmpty ? "/" : path, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
        let stringToSign = [Self.algorithm, amzDate, scope, Digest.sha256Hex(Array(canonicalRequest.utf8))]
            .joined(separator: "\n")

        var key = Digest.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), message: Array(dateStamp.utf8))
        for part in [region, service, "aws4_request"] {
            key = Digest.hmacSHA256(key: key, message: Array(part.utf8))
        }
        let signature = Digest.hex(Digest.hmacSHA256(key: key, message: Array(stringToSign.utf8)))
        let authorization = "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope),SignedHeaders=\(signedHeaders),Signature=\(signature)"
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signedHeaders: signedHeaders,
                         signature: signature, authorization: authorization)
    }

    static func trimmedValue(_ value: String) -> String {
        var out = ""
        var lastWasSpace = false
        for c in value.trimmingCharacters(in: .whitespaces) {
            if c == " " || c == "\t" {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(c)
                lastWasSpace = false
            }
        }
        return out
    }
}
