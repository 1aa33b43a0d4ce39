/// A strict RFC 8259 JSON parser over bytes. It rejects invalid UTF-8, bounds
/// nesting depth, and reports the byte offset of the first problem.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let message: String
    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

public enum JSONParser {
    public static let maxDepth = 64

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSON {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var reader = Reader(buffer: buffer)
            reader.skipWhitespace()
            let value = try reader.parseValue(depth: 0)
            reader.skipWhitespace()
            guard reader.atEnd else { throw reader.error("unexpected data after the JSON value") }
            return value
        }
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSON { try parse(Array(text.utf8)) }

    /// Parses a top-level value and, when it is an array, also returns the byte
    /// range of each element, so each element's exact bytes can be kept.
    public static func parseWithElementRanges(_ bytes: [UInt8]) throws(JSONParseError) -> (JSON, [Range<Int>]?) {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var reader = Reader(buffer: buffer)
            reader.skipWhitespace()
            guard reader.peek == UInt8(ascii: "[") else {
                let value = try reader.parseValue(depth: 0)
                reader.skipWhitespace()
                guard reader.atEnd else { throw reader.error("unexpected data after the JSON value") }
                return (value, nil)
            }
            reader.index += 1
            var elements: [JSON] = []
            var ranges: [Range<Int>] = []
            reader.skipWhitespace()
            if reader.peek == UInt8(ascii: "]") {
                reader.index += 1
            } else {
                while true {
                    reader.skipWhitespace()
                    let start = reader.index
                    elements.append(try reader.parseValue(depth: 1))
                    ranges.append(start..<reader.index)
                    reader.skipWhitespace()
                    if reader.peek == UInt8(ascii: ",") { reader.index += 1; continue }
                    if reader.peek == UInt8(ascii: "]") { reader.index += 1; break }
                    throw reader.error("expected ',' or ']' in array")
                }
            }
            reader.skipWhitespace()
            guard reader.atEnd else { throw reader.error("unexpected data after the JSON value") }
            return (.array(elements), ranges)
        }
    }

    struct Reader {
        let buffer: UnsafeBufferPointer<UInt8>
        var index = 0

        var atEnd: Bool { index >= buffer.count }
        var peek: UInt8? { index < buffer.count ? buffer[index] : nil }

        func error(_ message: String) -> JSONParseError { JSONParseError(offset: index, message: message) }

        mutating func skipWhitespace() {
            while index < buffer.count {
                switch buffer[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSON {
            guard depth <= JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth)") }
            guard let c = peek else { throw error("unexpected end of input") }
            switch c {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw error("unexpected character")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard index + count <= buffer.count else { throw error("unexpected end of input") }
            let p = literal.utf8Start
            for i in 0..<count where buffer[index + i] != p[i] { throw error("invalid literal") }
            index += count
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSON {
            index += 1
            var object = JSONObject()
            skipWhitespace()
            if peek == UInt8(ascii: "}") { index += 1; return .object(object) }
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try parseString()
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { throw error("expected ':' after key") }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                guard object.insertNew(key, value) else { throw error("duplicate key \"\(key)\"") }
                skipWhitespace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                if peek == UInt8(ascii: "}") { index += 1; return .object(object) }
                throw error("expected ',' or '}' in object")
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSON {
            index += 1
            var elements: [JSON] = []
            skipWhitespace()
            if peek == UInt8(ascii: "]") { index += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                if peek == UInt8(ascii: "]") { index += 1; return .array(elements) }
                throw error("expected ',' or ']' in array")
            }
        }

        mutating func parseNumber() throws(JSONParseError) -> JSON {
            let start = index
            if peek == UInt8(ascii: "-") { index += 1 }
            guard let first = peek, first >= 0x30, first <= 0x39 else { throw error("invalid number") }
            if first == 0x30 {
                index += 1
                if let d = peek, d >= 0x30, d <= 0x39 { throw error("leading zero in number") }
            } else {
                while let d = peek, d >= 0x30, d <= 0x39 { index += 1 }
            }
            if peek == UInt8(ascii: ".") {
                index += 1
                guard let d = peek, d >= 0x30, d <= 0x39 else { throw error("invalid fraction") }
                while let d = peek, d >= 0x30, d <= 0x39 { index += 1 }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                index += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
                guard let d = peek, d >= 0x30, d <= 0x39 else { throw error("invalid exponent") }
                while let d = peek, d >= 0x30, d <= 0x39 { index += 1 }
            }
            return .number(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self))
        }

        /// Whether one of the eight bytes is a quote, a backslash or below 0x20 (the classic
        /// "has a zero byte" test: `(x - 0x01..) & ~x & 0x80..` is non-zero exactly when x has one).
        @inline(__always)
        static func endsPlainRun(_ word: UInt64) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let hasQuote = (quote &- ones) & ~quote
            let hasBackslash = (backslash &- ones) & ~backslash
            let hasControl = (word &- ones &* 0x20) & ~word
            return (hasQuote | hasBackslash | hasControl) & highs != 0
        }

        mutating func parseString() throws(JSONParseError) -> String {
            index += 1
            let start = index
            // Fast path: no escapes. A plain pointer walk (this loop sees most of an event's bytes);
            // an all-ASCII string needs no UTF-8 validation.
            if let base = buffer.baseAddress {
                var i = index
                var high: UInt8 = 0
                let end = buffer.count
                // Eight bytes at a time while none of them ends the plain run (a quote, a backslash,
                // a control character): long values such as notes cost a fraction of the byte loop.
                var wideHigh: UInt64 = 0
                let raw = UnsafeRawPointer(base)
                while i + 8 <= end {
                    let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if Self.endsPlainRun(word) { break }
                    wideHigh |= word
                    i += 8
                }
                if wideHigh & 0x8080_8080_8080_8080 != 0 { high = 0x80 }
                while i < end {
                    let c = base[i]
                    if c == UInt8(ascii: "\"") {
                        let slice = UnsafeBufferPointer(start: base + start, count: i - start)
                        index = i + 1
                        if high < 0x80 { return String(decoding: slice, as: UTF8.self) }
                        guard let s = String(validating: slice, as: UTF8.self) else { throw JSONParseError(offset: start, message: "invalid UTF-8 in string") }
                        return s
                    }
                    if c == UInt8(ascii: "\\") { break }
                    if c < 0x20 {
                        index = i
                        throw error("control character in string")
                    }
                    high |= c
                    i += 1
                }
                index = i
            }
            var bytes = Array(UnsafeBufferPointer(rebasing: buffer[start..<index]))
            while true {
                guard index < buffer.count else { throw error("unterminated string") }
                let c = buffer[index]
                if c == UInt8(ascii: "\"") { index += 1; break }
                if c < 0x20 { throw error("control character in string") }
                if c != UInt8(ascii: "\\") { bytes.append(c); index += 1; continue }
                index += 1
                guard let e = peek else { throw error("unterminated escape") }
                index += 1
                switch e {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < buffer.count, buffer[index] == UInt8(ascii: "\\"), buffer[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("unpaired surrogate")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid unicode escape") }
                    bytes.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw error("invalid escape")
                }
            }
            guard let s = String(validating: bytes, as: UTF8.self) else { throw JSONParseError(offset: start, message: "invalid UTF-8 in string") }
            return s
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard index + 4 <= buffer.count else { throw error("short unicode escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = buffer[index]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw error("invalid hex digit")
                }
                v = v << 4 | d
                index += 1
            }
            return v
        }
    }
}
