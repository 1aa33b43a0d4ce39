/// An answer an emulator gives instead of handling the next request(s): rate limits, outages.
public struct TicketingFault: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Only requests whose decoded path starts with this fail (nil: any request).
    public var pathPrefix: String?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], pathPrefix: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.pathPrefix = pathPrefix
    }
}
