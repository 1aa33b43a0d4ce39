import CCurl

/// A request's header lines as a `curl_slist` in memory the transfer owns and reuses.
///
/// curl reads the list given to `CURLOPT_HTTPHEADER` during the transfer and neither copies
/// nor frees it, so it need not come from `curl_slist_append`, which allocates a node and a
/// copy of the line per header and request (and `curl_slist_free_all` frees them after):
/// about 3,800 instructions per webhook delivery of eight lines under callgrind (deliverpath).
/// Here the lines are written one after another into one buffer and the nodes point into it.
///
/// Confined to its transfer's loop thread, like the transfer.
final class CurlHeaderLines {
    private var text: UnsafeMutablePointer<UInt8>
    private var textCapacity: Int
    private var textCount = 0
    /// Where each line starts in `text`.
    private var starts: [Int] = []
    private var nodes: UnsafeMutablePointer<curl_slist>
    private var nodeCapacity: Int

    init() {
        textCapacity = 1024
        text = .allocate(capacity: textCapacity)
        nodeCapacity = 16
        nodes = .allocate(capacity: nodeCapacity)
    }

    deinit {
        text.deallocate()
        nodes.deallocate()
    }

    /// Forgets every line; the memory is kept for the next request unless it grew large.
    func removeAll() {
        textCount = 0
        starts.removeAll(keepingCapacity: true)
        if textCapacity > 64 << 10 {
            text.deallocate()
            textCapacity = 1024
            text = .allocate(capacity: textCapacity)
        }
    }

    /// `Name: value`, or `Name;` for an empty value ("Name:" alone would remove the header in curl).
    func append(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        reserve(name.count + value.count + 3)
        starts.append(textCount)
        put(name)
        if value.isEmpty {
            put(UInt8(ascii: ";"))
        } else {
            put(UInt8(ascii: ":"))
            put(UInt8(ascii: " "))
            put(value)
        }
        put(0)
    }

    /// A line as it is, such as `Accept:` (which removes curl's own header).
    func append(line: StaticString) {
        line.withUTF8Buffer { bytes in
            reserve(bytes.count + 1)
            starts.append(textCount)
            put(bytes)
            put(0)
        }
    }

    /// The lines linked as a list, valid until the next change; nil when there is none.
    func list() -> UnsafeMutablePointer<curl_slist>? {
        guard !starts.isEmpty else { return nil }
        if nodeCapacity < starts.count {
            nodes.deallocate()
            nodeCapacity = max(starts.count, nodeCapacity * 2)
            nodes = .allocate(capacity: nodeCapacity)
        }
        let base = UnsafeMutableRawPointer(text).assumingMemoryBound(to: CChar.self)
        for (i, start) in starts.enumerated() {
            nodes[i] = curl_slist(data: base + start, next: i + 1 < starts.count ? nodes + i + 1 : nil)
        }
        return nodes
    }

    private func reserve(_ more: Int) {
        guard textCount + more > textCapacity else { return }
        let capacity = max(textCount + more, textCapacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: text, count: textCount)
        text.deallocate()
        text = grown
        textCapacity = capacity
    }

    private func put(_ byte: UInt8) {
        text[textCount] = byte
        textCount += 1
    }

    private func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (text + textCount).update(from: source, count: bytes.count)
        textCount += bytes.count
    }
}
