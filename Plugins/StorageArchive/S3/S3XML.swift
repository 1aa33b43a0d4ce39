import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: just enough of a tree to read S3's answers
/// (`<Error><Code>`, `<InitiateMultipartUploadResult><UploadId>`). Parsing is
/// done by Foundation's XMLParser (libxml2), so entities, CDATA and namespaces
/// are handled correctly; external entities are never resolved.
struct S3XMLElement: Sendable, Equatable {
    /// The local name, without a namespace prefix.
    var name: String
    /// The element's own character data, entities decoded.
    var text: String
    var children: [S3XMLElement]

    /// The first direct child of that name.
    func child(_ name: String) -> S3XMLElement? { children.first { $0.name == name } }
    /// The text of the first direct child of that name.
    func childText(_ name: String) -> String? { child(name)?.text }

    /// Parses a whole document; nil when it is not well-formed XML.
    static func parse(_ bytes: [UInt8]) -> S3XMLElement? {
        guard !bytes.isEmpty else { return nil }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let builder = TreeBuilder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    /// Escapes text for an element's content or an attribute value.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// Collects XMLParser events into `S3XMLElement`s. Lives only for one
/// synchronous `parse()` call on one thread.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [S3XMLElement] = []
    private(set) var root: S3XMLElement?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
        stack.append(S3XMLElement(name: local, text: "", children: []))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard var done = stack.popLast() else { return }
        if !done.children.isEmpty { done.text = done.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
    }
}
