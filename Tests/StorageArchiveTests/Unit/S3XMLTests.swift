import Foundation
import InkBridgeCore
@testable import StorageArchive
import XCTest

final class S3XMLTests: XCTestCase {
    func testErrorDocumentWithEntities() throws {
        let body = Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match &amp; so &lt;no&gt;</Message>
            <RequestId>4442587FB7D0A2F9</RequestId></Error>
            """.utf8)
        let error = try XCTUnwrap(S3ErrorResponse(body: body))
        XCTAssertEqual(error.code, "SignatureDoesNotMatch")
        XCTAssertEqual(error.message, "The request signature we calculated does not match & so <no>")
    }

    func testNonErrorAndMalformedBodiesAreNotErrors() {
        XCTAssertNil(S3ErrorResponse(body: Array("<Other><Code>X</Code></Other>".utf8)))
        XCTAssertNil(S3ErrorResponse(body: Array("<Error><Code>X</Code>".utf8)))
        XCTAssertNil(S3ErrorResponse(body: Array("Service Unavailable".utf8)))
        XCTAssertNil(S3ErrorResponse(body: []))
    }

    func testInitiateMultipartUploadResultWithNamespace() throws {
        let body = Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Bucket>archive</Bucket><Key>acme/ctr_42/executed.pdf</Key>
              <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
            </InitiateMultipartUploadResult>
            """.utf8)
        let root = try XCTUnwrap(S3XMLElement.parse(body))
        XCTAssertEqual(root.name, "InitiateMultipartUploadResult")
        XCTAssertEqual(root.childText("UploadId"), "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA")
        XCTAssertEqual(root.childText("Key"), "acme/ctr_42/executed.pdf")
    }

    func testCompleteBodyEscapesETagsAndParsesBack() throws {
        let parts = [S3MultipartUpload.Part(number: 1, etag: "\"a1\"", checksumBase64: "abc+/="),
                     S3MultipartUpload.Part(number: 2, etag: "\"b<2>&\"", checksumBase64: "def=")]
        let body = S3MultipartUpload.completeBody(parts)
        let root = try XCTUnwrap(S3XMLElement.parse(body))
        XCTAssertEqual(root.name, "CompleteMultipartUpload")
        let parsed = root.children.filter { $0.name == "Part" }
        XCTAssertEqual(parsed.map { $0.childText("ETag") }, ["\"a1\"", "\"b<2>&\""])
        XCTAssertEqual(parsed.map { $0.childText("PartNumber") }, ["1", "2"])
        XCTAssertEqual(parsed.map { $0.childText("ChecksumSHA256") }, ["abc+/=", "def="])
    }

    func testPartRangesCoverTheFileExactly() {
        let mib: Int64 = 1 << 20
        let ranges = S3MultipartUpload.partRanges(size: 150 * mib, partSize: 16 * mib)
        XCTAssertEqual(ranges.count, 10)
        XCTAssertEqual(ranges.first, 0..<(16 * mib))
        XCTAssertEqual(ranges.last, (144 * mib)..<(150 * mib))
        XCTAssertEqual(ranges.map(\.count).reduce(0, +), Int(150 * mib))
        // 1 TiB at 16 MiB would need 65,536 parts: the part size grows to stay within 10,000.
        let huge = S3MultipartUpload.partRanges(size: 1 << 40, partSize: 16 * mib)
        XCTAssertLessThanOrEqual(huge.count, 10_000)
        XCTAssertEqual(huge[0].count % Int(mib), 0)
    }
}
