import NanoverCore
import NanoverMessagePack
import NanoverWebSocket
import Testing

@Suite("Frames in the 2026 form")
struct FrameMessagePackTests {
    private func field(_ fields: [(MessagePackValue, MessagePackValue)], _ key: String) -> MessagePackValue? {
        fields.first { $0.0 == .string(key) }?.1
    }

    @Test("standard arrays are packed little-endian by kind; counts and the index are integers; the rest plain")
    func packing() throws {
        var frame = Frame(values: [FrameKey.particleCount: 2.0, FrameKey.kineticEnergy: 1.5])
        frame.arrays[FrameKey.particlePositions] = .floats([1, 0, 0, 0, 0, -2])
        frame.arrays[FrameKey.particleElements] = .indices([1, 8])
        frame.arrays[FrameKey.bondPairs] = .indices([0, 1])
        frame.arrays[FrameKey.bondOrders] = .floats([2])
        frame.arrays[FrameKey.particleNames] = .strings(["H", "O"])
        let fields = frame.messagePackFields(index: 7)
        #expect(fields.first?.0 == .string("frame.index") && fields.first?.1 == .uint(7))
        #expect(field(fields, FrameKey.particleCount) == .int(2))
        #expect(field(fields, FrameKey.kineticEnergy) == .double(1.5))
        #expect(field(fields, FrameKey.particlePositions) == .binary([0, 0, 0x80, 0x3F] + Array(repeating: 0, count: 16) + [0, 0, 0, 0xC0]))
        #expect(field(fields, FrameKey.particleElements) == .binary([1, 8]))
        #expect(field(fields, FrameKey.bondPairs) == .binary([0, 0, 0, 0, 1, 0, 0, 0]))
        #expect(field(fields, FrameKey.bondOrders) == .binary([2]))
        #expect(field(fields, FrameKey.particleNames) == .array([.string("H"), .string("O")]))

        let back = try Frame.fromMessagePack(try roundTrip(fields))
        #expect(back.index == 7)
        #expect(back.frame.arrays[FrameKey.particlePositions] == frame.arrays[FrameKey.particlePositions])
        #expect(back.frame.arrays[FrameKey.particleElements] == .indices([1, 8]))
        #expect(back.frame.arrays[FrameKey.bondOrders] == .floats([2]))
        #expect(back.frame.arrays[FrameKey.particleNames] == .strings(["H", "O"]))
        #expect(back.frame.values[FrameKey.particleCount] == 2)
        #expect(back.frame.values["frame.index"] == nil)
    }

    private func roundTrip(_ fields: [(MessagePackValue, MessagePackValue)]) throws -> [(MessagePackValue, MessagePackValue)] {
        guard case .map(let read) = try MessagePackReader.value(from: MessagePackWriter.bytes(.map(fields))) else {
            Issue.record("not a map")
            return []
        }
        return read
    }

    @Test("what does not fit a byte travels as a plain array, and reads back")
    func unpackable() throws {
        let frame = Frame(arrays: [FrameKey.particleElements: .indices([300]), FrameKey.bondOrders: .floats([1.5])])
        let fields = frame.messagePackFields(index: 0)
        #expect(field(fields, FrameKey.particleElements) == .array([.uint(300)]))
        #expect(field(fields, FrameKey.bondOrders) == .array([.double(1.5)]))
        let back = try Frame.fromMessagePack(fields)
        #expect(back.frame.arrays[FrameKey.particleElements] == .indices([300]))
        #expect(back.frame.arrays[FrameKey.bondOrders] == .floats([1.5]))
    }

    @Test("packed keys may arrive as flat arrays of numbers")
    func flatArrays() throws {
        let fields: [(MessagePackValue, MessagePackValue)] = [
            (.string("frame.index"), .uint(1)),
            (.string(FrameKey.particlePositions), .array([.double(0.5), .int(1), .float(2)])),
            (.string(FrameKey.bondPairs), .array([.uint(0), .uint(2)])),
        ]
        let received = try Frame.fromMessagePack(fields)
        #expect(received.frame.arrays[FrameKey.particlePositions] == .floats([0.5, 1, 2]))
        #expect(received.frame.arrays[FrameKey.bondPairs] == .indices([0, 2]))
    }

    @Test("a frame without a usable index, odd packed lengths and wrong kinds are errors that name the key", arguments: [
        ([(MessagePackValue.string("a"), MessagePackValue.uint(1))], FrameMessageError.missingIndex),
        ([(.string("frame.index"), .int(-1))], .missingIndex),
        ([(.string("frame.index"), .string("0"))], .missingIndex),
        ([(.string("frame.index"), .uint(0)), (.string(FrameKey.particlePositions), .binary([0, 0, 0]))],
         .badPackedLength(key: FrameKey.particlePositions, count: 3, elementSize: 4)),
        ([(.string("frame.index"), .uint(0)), (.string(FrameKey.bondPairs), .array([.int(-1)]))], .badPackedValue(key: FrameKey.bondPairs)),
        ([(.string("frame.index"), .uint(0)), (.string(FrameKey.particlePositions), .string("x"))], .badPackedValue(key: FrameKey.particlePositions)),
        ([(.string("frame.index"), .uint(0)), (.uint(3), .nil)], .nonStringKey),
    ] as [([(MessagePackValue, MessagePackValue)], FrameMessageError)])
    func malformed(fields: [(MessagePackValue, MessagePackValue)], error: FrameMessageError) {
        #expect(throws: error) { try Frame.fromMessagePack(fields) }
    }
}
