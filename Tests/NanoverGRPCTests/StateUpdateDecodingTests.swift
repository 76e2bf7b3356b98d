import Foundation
import GRPCCore
import NanoverCore
@testable import NanoverGRPC
import NanoverProtocol
import SeededRandom
import SwiftProtobuf
import Testing

/// `UpdateState` requests are read without swift-protobuf when they are in
/// the plain form; these tests hold that reading to swift-protobuf's own,
/// differentially: the same values, or the same status, for any bytes.
@Suite("State update decoding")
struct StateUpdateDecodingTests {
    private static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8]
    private let deserializer = StateUpdateRequestDeserializer(maxBytes: 4 << 20)

    /// The request through swift-protobuf and the conversion it always had.
    private func fullDecoding(_ bytes: [UInt8]) -> Result<StateUpdateRequest, RPCError> {
        status { try deserializer.decodeFully(bytes) }
    }

    private func served(_ bytes: [UInt8]) -> Result<StateUpdateRequest, RPCError> {
        status { try deserializer.deserialize(bytes) }
    }

    /// A decoding's outcome; an error that is not a status is itself a
    /// failure to report, so it becomes one no decoder would give.
    private func status(_ decode: () throws -> StateUpdateRequest) -> Result<StateUpdateRequest, RPCError> {
        do {
            return .success(try decode())
        } catch let error as RPCError {
            return .failure(error)
        } catch {
            return .failure(RPCError(code: .dataLoss, message: "not a status: \(error)"))
        }
    }

    private func plain(_ bytes: [UInt8]) -> StateUpdateRequest? {
        bytes.withUnsafeBytes { try? StateUpdateRequestDeserializer.readPlain($0) }
    }

    /// Whether what the server decoded is what swift-protobuf decodes, to
    /// the bit (NaN payloads and the sign of zero included), or the same
    /// status.
    private func agree(_ served: Result<StateUpdateRequest, RPCError>, _ full: Result<StateUpdateRequest, RPCError>) -> Bool {
        switch (served, full) {
        case (.success(let a), .success(let b)):
            return a.accessToken == b.accessToken && identical(.structure(a.changedKeys), .structure(b.changedKeys))
        case (.failure(let a), .failure(let b)):
            return a.code == b.code && a.message == b.message
        default:
            return false
        }
    }

    @Test("requests as encoders write them are read without swift-protobuf, to the same values", arguments: seeds)
    func plainRequests(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<300 {
            let (request, keys) = randomRequest(&random)
            let bytes: [UInt8] = try request.serializedBytes()
            let read = try #require(plain(bytes), "seed \(seed): plain reader refused \(bytes)")
            #expect(read.accessToken == request.accessToken)
            #expect(identical(.structure(read.changedKeys), .structure(keys)), "seed \(seed)")
            #expect(agree(.success(read), fullDecoding(bytes)), "seed \(seed): \(bytes)")
        }
    }

    @Test("mutated requests get the same values or the same status as from swift-protobuf", arguments: seeds)
    func mutatedRequests(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var readPlainly = 0
        var fellBack = 0
        for _ in 0..<2_000 {
            let (request, _) = randomRequest(&random)
            var bytes: [UInt8] = try request.serializedBytes()
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                mutate(&bytes, &random)
            }
            if plain(bytes) != nil { readPlainly += 1 } else { fellBack += 1 }
            #expect(agree(served(bytes), fullDecoding(bytes)), "seed \(seed): \(bytes)")
        }
        // Both paths must have been exercised for the comparison to mean anything.
        #expect(readPlainly > 0 && fellBack > 0, "plain \(readPlainly), fallback \(fellBack)")
    }

    private enum Outcome {
        case read(StateUpdateRequest)
        case refused
    }

    /// Encodings at the edges of the plain form or outside it: protobuf's
    /// rules decide each, the same whichever way the bytes are read.
    @Test("protobuf's rarer rules hold: merging, last one wins, defaults, unknown fields, depth")
    func rarerRules() throws {
        let number: [UInt8] = [0x11] + Array(repeating: 0, count: 7) + [0x40]  // 2.0
        let text: [UInt8] = [0x1A, 0x01, 0x78]  // "x"
        func entry(_ key: String, _ value: [UInt8]) -> [UInt8] {
            RawMessages.lengthDelimited(0x0A, RawMessages.lengthDelimited(0x0A, Array(key.utf8)) + RawMessages.lengthDelimited(0x12, value))
        }
        func update(_ structBody: [UInt8]) -> [UInt8] {
            RawMessages.lengthDelimited(0x12, RawMessages.lengthDelimited(0x0A, structBody))
        }
        func keys(_ keys: NanoverStruct, token: String = "") -> Outcome {
            .read(StateUpdateRequest(accessToken: token, changedKeys: keys))
        }
        func nested(_ depth: Int) -> NanoverValue {
            (0..<depth).reduce(NanoverValue.double(0)) { inner, _ in .list([inner]) }
        }
        let limit = NanoverValue.maximumNestingDepth
        let cases: [(String, [UInt8], Outcome)] = [
            ("a later entry for a key wins", update(entry("k", number) + entry("k", text)), keys(["k": "x"])),
            ("a struct value given twice merges",
             update(entry("k", RawMessages.lengthDelimited(0x2A, entry("a", number)) + RawMessages.lengthDelimited(0x2A, entry("b", text)))),
             keys(["k": ["a": 2.0, "b": "x"]])),
            ("a second kind replaces the first", update(entry("k", number + text)), keys(["k": "x"])),
            ("an unknown field is skipped", update(entry("k", number + [0x38, 0x01])), keys(["k": 2.0])),
            ("a known field with another wire type is skipped as unknown", update(entry("k", [0x10, 0x05] + text)), keys(["k": "x"])),
            ("a null value of any number is null", update(entry("k", [0x08, 0x07])), keys(["k": nil])),
            ("a bool of 2 is true", update(entry("k", [0x20, 0x02])), keys(["k": true])),
            ("a value with no kind is null", update(entry("k", [])), keys(["k": nil])),
            ("an entry without a key has the empty key",
             update(RawMessages.lengthDelimited(0x0A, RawMessages.lengthDelimited(0x12, text))), keys(["": "x"])),
            ("the update given twice merges", update(entry("a", number)) + update(entry("b", text)), keys(["a": 2.0, "b": "x"])),
            ("the last access token wins",
             RawMessages.lengthDelimited(0x0A, Array("first".utf8)) + RawMessages.lengthDelimited(0x0A, Array("second".utf8)),
             keys([:], token: "second")),
            ("invalid UTF-8 is refused", update(entry("k", [0x1A, 0x01, 0xFF])), .refused),
            ("lists at the depth limit are read", RawMessages.deeplyNestedUpdateRequest(depth: limit - 1), keys(["deep": nested(limit - 1)])),
            ("lists past the depth limit are refused", RawMessages.deeplyNestedUpdateRequest(depth: limit), .refused),
            ("lists far past the depth limit are refused", RawMessages.deeplyNestedUpdateRequest(depth: 60), .refused),
            ("a ten-byte varint is read", [0x18] + Array(repeating: 0xFF, count: 9) + [0x01], keys([:])),
            ("an eleven-byte varint is refused", [0x18] + Array(repeating: 0xFF, count: 10) + [0x01], .refused),
            ("field number zero is refused", [0x02, 0x00], .refused),
            ("a group is skipped", [0x1B, 0x08, 0x01, 0x1C], keys([:])),
        ]
        for (name, bytes, expected) in cases {
            let served = served(bytes)
            #expect(agree(served, fullDecoding(bytes)), "\(name)")
            switch (expected, served) {
            case (.read(let request), _):
                #expect(agree(served, .success(request)), "\(name): \(served)")
            case (.refused, .failure(let error)):
                #expect(error.code == .invalidArgument, "\(name): \(error)")
            case (.refused, .success(let request)):
                Issue.record("\(name): read as \(request)")
            }
        }
    }

    // MARK: Generating

    private func randomRequest(_ random: inout SeededGenerator) -> (Nanover_Protocol_State_UpdateStateRequest, NanoverStruct) {
        var keys = NanoverStruct()
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            keys[randomString(&random)] = randomValue(&random, depth: Int.random(in: 0...3, using: &random))
        }
        var request = Nanover_Protocol_State_UpdateStateRequest()
        if Bool.random(using: &random) {
            request.accessToken = randomString(&random)
        }
        request.update.changedKeys = try! keys.protobufStruct()
        return (request, keys)
    }

    private func randomString(_ random: inout SeededGenerator) -> String {
        ["", "a", "avatar.7", "ключ", "🧬", "x y", String(repeating: "long", count: 40)].randomElement(using: &random)!
    }

    private func randomValue(_ random: inout SeededGenerator, depth: Int) -> NanoverValue {
        let specials: [Double] = [0, -0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, 1e300, -1.5]
        switch Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &random) {
        case 0: return .null
        case 1: return .double(specials.randomElement(using: &random)!)
        case 2: return .double(Double.random(in: -1e6...1e6, using: &random))
        case 3: return .string(randomString(&random))
        case 4: return .bool(Bool.random(using: &random))
        case 5: return .double(Double(bitPattern: random.next()))
        case 6: return .list((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(&random, depth: depth - 1) })
        default:
            var fields = NanoverStruct()
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                fields[randomString(&random)] = randomValue(&random, depth: depth - 1)
            }
            return .structure(fields)
        }
    }

    private func mutate(_ bytes: inout [UInt8], _ random: inout SeededGenerator) {
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0 where !bytes.isEmpty: bytes[position] = UInt8.random(in: 0...255, using: &random)
        case 1 where !bytes.isEmpty: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
        case 3 where !bytes.isEmpty: bytes.remove(at: position)
        case 4: bytes.removeLast(Int.random(in: 0...min(4, bytes.count), using: &random))
        default:
            // A slice of the message again: repeated fields and entries.
            let start = Int.random(in: 0...bytes.count, using: &random)
            let end = Int.random(in: start...bytes.count, using: &random)
            bytes.insert(contentsOf: bytes[start..<end], at: Int.random(in: 0...bytes.count, using: &random))
        }
    }
}

/// Equal to the bit: numbers compare by their bit patterns.
private func identical(_ a: NanoverValue, _ b: NanoverValue) -> Bool {
    switch (a, b) {
    case (.double(let x), .double(let y)):
        return x.bitPattern == y.bitPattern
    case (.list(let x), .list(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
    case (.structure(let x), .structure(let y)):
        return x.count == y.count && x.allSatisfy { key, value in y[key].map { identical(value, $0) } ?? false }
    default:
        return a == b
    }
}
