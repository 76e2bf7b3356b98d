import NanoverMessagePack
import SeededRandom
import Testing

@Suite("MessagePack codec")
struct MessagePackTests {
    private func roundTrip(_ value: MessagePackValue) throws -> MessagePackValue {
        try MessagePackReader.value(from: MessagePackWriter.bytes(value))
    }

    @Test("each value is written in its smallest form, as the format's examples and common encoders give", arguments: [
        (MessagePackValue.nil, [0xC0]),
        (.bool(true), [0xC3]), (.bool(false), [0xC2]),
        (.int(0), [0x00]), (.uint(127), [0x7F]), (.int(128), [0xCC, 0x80]), (.uint(256), [0xCD, 0x01, 0x00]),
        (.uint(65_536), [0xCE, 0x00, 0x01, 0x00, 0x00]), (.uint(UInt64.max), [0xCF] + Array(repeating: 0xFF, count: 8)),
        (.int(-1), [0xFF]), (.int(-32), [0xE0]), (.int(-33), [0xD0, 0xDF]), (.int(-129), [0xD1, 0xFF, 0x7F]),
        (.int(-32_769), [0xD2, 0xFF, 0xFF, 0x7F, 0xFF]), (.int(Int64.min), [0xD3, 0x80] + Array(repeating: 0, count: 7)),
        (.double(1.5), [0xCB, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0]), (.float(1.5), [0xCA, 0x3F, 0xC0, 0, 0]),
        (.string("a"), [0xA1, 0x61]), (.string(""), [0xA0]),
        (.binary([1, 2]), [0xC4, 0x02, 0x01, 0x02]),
        (.array([.uint(1), .nil]), [0x92, 0x01, 0xC0]),
        (.map([(.string("a"), .uint(1))]), [0x81, 0xA1, 0x61, 0x01]),
        (.ext(5, [9]), [0xD4, 0x05, 0x09]), (.ext(-1, [1, 2, 3]), [0xC7, 0x03, 0xFF, 1, 2, 3]),
    ] as [(MessagePackValue, [UInt8])])
    func smallestForms(value: MessagePackValue, bytes: [UInt8]) throws {
        #expect(MessagePackWriter.bytes(value) == bytes)
        #expect(try MessagePackReader.value(from: bytes) == value)
    }

    @Test("lengths take their wider forms at the boundaries, and read back")
    func lengthBoundaries() throws {
        for count in [31, 32, 255, 256, 65_535, 65_536] {
            let string = MessagePackValue.string(String(repeating: "x", count: count))
            #expect(try roundTrip(string) == string)
            let binary = MessagePackValue.binary(Array(repeating: 7, count: count))
            #expect(try roundTrip(binary) == binary)
        }
        for count in [15, 16, 65_535, 65_536] {
            let array = MessagePackValue.array(Array(repeating: .nil, count: count))
            #expect(try roundTrip(array) == array)
            let map = MessagePackValue.map((0..<count).map { (.uint(UInt64($0)), .bool(true)) })
            #expect(try roundTrip(map) == map)
        }
        #expect(MessagePackWriter.bytes(.string(String(repeating: "x", count: 32))).prefix(2) == [0xD9, 32])
        #expect(MessagePackWriter.bytes(.array(Array(repeating: .nil, count: 16))).prefix(3) == [0xDC, 0, 16])
    }

    @Test("every integer form reads, whatever the encoder chose; the signed forms stay signed")
    func integerForms() throws {
        #expect(try MessagePackReader.value(from: [0xD0, 0x05] as [UInt8]) == .int(5))
        #expect(try MessagePackReader.value(from: [0xCD, 0x00, 0x05] as [UInt8]) == .uint(5))
        #expect(try MessagePackReader.value(from: [0xD3] + Array(repeating: 0xFF, count: 8)) == .int(-1))
    }

    @Test("bad bytes are errors that say where, never a trap", arguments: [
        ([], MessagePackError.truncated(offset: 0)),
        ([0xC1], .reservedByte(offset: 0)),
        ([0xCD, 0x01], .truncated(offset: 1)),
        ([0xA3, 0x61], .truncated(offset: 1)),
        ([0xA2, 0xC3, 0x28], .invalidUTF8(offset: 0)),
        ([0xDD, 0xFF, 0xFF, 0xFF, 0xFF], .truncated(offset: 5)),
        ([0xDF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], .truncated(offset: 5)),
        ([0xC6, 0xFF, 0xFF, 0xFF, 0xFF], .truncated(offset: 5)),
        ([0x01, 0x02], .trailingBytes(offset: 1)),
    ] as [([UInt8], MessagePackError)])
    func badBytes(bytes: [UInt8], error: MessagePackError) {
        #expect(throws: error) { try MessagePackReader.value(from: bytes) }
    }

    @Test("nesting past the limit is refused without deep recursion")
    func deepNesting() {
        let deep = [UInt8](repeating: 0x91, count: 100_000) + [0xC0]
        #expect(throws: MessagePackError.nestedTooDeeply(limit: MessagePackReader.defaultDepthLimit)) {
            try MessagePackReader.value(from: deep)
        }
    }

    @Test("random values round-trip, NaN and signed zero included")
    func randomRoundTrips() throws {
        var generator = SeededGenerator(seed: 2026)
        func random(_ depth: Int) -> MessagePackValue {
            switch Int.random(in: 0..<(depth > 3 ? 9 : 11), using: &generator) {
            case 0: return .nil
            case 1: return .bool(Bool.random(using: &generator))
            case 2: return .int(Int64.random(in: Int64.min...(-1), using: &generator))
            case 3: return .uint(UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0...63, using: &generator))
            case 4: return .double([Double.nan, -0.0, .infinity, Double.random(in: -1e300...1e300, using: &generator)][Int.random(in: 0..<4, using: &generator)])
            case 5: return .float(Float.random(in: -1e30...1e30, using: &generator))
            case 6: return .string(String((0..<Int.random(in: 0..<40, using: &generator)).map { _ in ["a", "é", "🎉", "\u{0}"][Int.random(in: 0..<4, using: &generator)] }))
            case 7: return .binary((0..<Int.random(in: 0..<300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            case 8: return .ext(Int8.random(in: -128...127, using: &generator), (0..<Int.random(in: 0..<20, using: &generator)).map { UInt8($0) })
            case 9: return .array((0..<Int.random(in: 0..<20, using: &generator)).map { _ in random(depth + 1) })
            default: return .map((0..<Int.random(in: 0..<20, using: &generator)).map { _ in (random(depth + 1), random(depth + 1)) })
            }
        }
        for _ in 0..<2_000 {
            let value = random(0)
            #expect(try roundTrip(value) == value)
        }
    }
}
