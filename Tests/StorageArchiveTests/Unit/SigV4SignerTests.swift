import Foundation
import InkBridgeCore
@testable import StorageArchive
import XCTest

/// The four worked examples of AWS's "Signature calculations for the
/// Authorization header" page for S3 (sig-v4-header-based-auth.html).
final class SigV4SignerTests: XCTestCase {
    let signer = SigV4Signer(credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                                secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                                sessionToken: nil),
                             region: "us-east-1", service: "s3")
    let empty = SigV4Signer.emptyPayloadHash

    func testGetObjectExample() {
        let s = signer.sign(method: "GET", path: "/test.txt", query: [],
                            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                                      ("x-amz-content-sha256", empty), ("x-amz-date", "20130524T000000Z")],
                            payloadHash: empty, amzDate: "20130524T000000Z")
        XCTAssertEqual(s.canonicalRequest, """
            GET
            /test.txt

            host:examplebucket.s3.amazonaws.com
            range:bytes=0-9
            x-amz-content-sha256:\(empty)
            x-amz-date:20130524T000000Z

            host;range;x-amz-content-sha256;x-amz-date
            \(empty)
            """)
        XCTAssertEqual(s.stringToSign.split(separator: "\n").last, "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
        XCTAssertEqual(s.authorization, "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    func testPutObjectExampleEncodesTheKeyAndSignsThePayloadHash() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let hash = Digest.sha256Hex(body)
        XCTAssertEqual(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let path = "/" + AWSURIEncoding.encode("test$file.text", keepSlash: true)
        XCTAssertEqual(path, "/test%24file.text")
        let s = signer.sign(method: "PUT", path: path, query: [],
                            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                                      ("x-amz-date", "20130524T000000Z"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                                      ("x-amz-content-sha256", hash)],
                            payloadHash: hash, amzDate: "20130524T000000Z")
        XCTAssertEqual(s.signedHeaders, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class")
        XCTAssertEqual(s.stringToSign.split(separator: "\n").last, "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d")
        XCTAssertEqual(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    func testGetBucketLifecycleExampleHasAnEmptyValuedQueryParameter() {
        let s = signer.sign(method: "GET", path: "/", query: [("lifecycle", "")],
                            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-date", "20130524T000000Z"),
                                      ("x-amz-content-sha256", empty)],
                            payloadHash: empty, amzDate: "20130524T000000Z")
        XCTAssertEqual(s.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2], "lifecycle=")
        XCTAssertEqual(s.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    func testListObjectsExampleSortsTheQuery() {
        // Given out of order: the canonical query must sort them.
        let s = signer.sign(method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")],
                            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-date", "20130524T000000Z"),
                                      ("x-amz-content-sha256", empty)],
                            payloadHash: empty, amzDate: "20130524T000000Z")
        XCTAssertEqual(s.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2], "max-keys=2&prefix=J")
        XCTAssertEqual(s.stringToSign.split(separator: "\n").last, "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7")
        XCTAssertEqual(s.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    func testHeaderValuesAreTrimmedAndRepeatedNamesJoined() {
        let s = signer.sign(method: "GET", path: "/", query: [],
                            headers: [("Host", "h"), ("X-Amz-Meta-A", "  one   two  "), ("x-amz-meta-a", "three")],
                            payloadHash: empty, amzDate: "20130524T000000Z")
        XCTAssertTrue(s.canonicalRequest.contains("\nx-amz-meta-a:one two,three\n"), s.canonicalRequest)
        XCTAssertEqual(s.signedHeaders, "host;x-amz-meta-a")
    }

    func testURIEncodingKeepsUnreservedAndEncodesUTF8() {
        XCTAssertEqual(AWSURIEncoding.encode("a b/ü~._-+=", keepSlash: true), "a%20b/%C3%BC~._-%2B%3D")
        XCTAssertEqual(AWSURIEncoding.encode("a/b", keepSlash: false), "a%2Fb")
        XCTAssertEqual(AWSURIEncoding.queryString([("uploads", "")]), "uploads")
        XCTAssertEqual(AWSURIEncoding.queryString([("partNumber", "1"), ("uploadId", "a/b+c")]), "partNumber=1&uploadId=a%2Fb%2Bc")
    }

    func testAmzDateFormat() {
        XCTAssertEqual(SigV4Signer.amzDate(Date(timeIntervalSince1970: 1_369_353_600)), "20130524T000000Z")
    }
}
