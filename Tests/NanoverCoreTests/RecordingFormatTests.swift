import Foundation
import NanoverCore
import Testing

@Suite("Recording files")
struct RecordingFormatTests {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("nanover-\(UUID().uuidString)-\(name)").path
    }

    private let entries = [
        RecordingEntry(timestamp: 0, message: [1, 2, 3]),
        RecordingEntry(timestamp: 33_333, message: []),
        RecordingEntry(timestamp: 66_666, message: Array(repeating: 7, count: 1000)),
    ]

    private func recorded() throws -> [UInt8] {
        let path = temporaryPath("a.traj")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RecordingWriter(path: path)
        for entry in entries { try writer.append(entry) }
        writer.close()
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func readAll(_ bytes: [UInt8]) throws -> (entries: [RecordingEntry], endedEarly: RecordingError?) {
        var reader = try RecordingReader(bytes: bytes)
        var read: [RecordingEntry] = []
        while let entry = try reader.next() { read.append(entry) }
        return (read, reader.endedEarly)
    }

    @Test("the layout is the contract's: magic, version 2, then u128 timestamp, u64 length and the message, little-endian")
    func layout() throws {
        let bytes = try recorded()
        #expect(Array(bytes[0..<16]) == [227, 183, 137, 153, 196, 227, 113, 92, 2, 0, 0, 0, 0, 0, 0, 0])
        // Second entry: timestamp 33,333 in 16 bytes, length 0.
        let second = 16 + 24 + 3
        #expect(Array(bytes[second..<second + 24]) == [0x35, 0x82] + Array(repeating: 0, count: 22))
        #expect(bytes.count == 16 + 3 * 24 + 3 + 0 + 1000)
    }

    @Test("what the writer writes, the reader reads back, from a file and from memory")
    func roundTrip() throws {
        let path = temporaryPath("b.state")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(try recorded()).write(to: URL(fileURLWithPath: path))
        var reader = try RecordingReader(path: path)
        var read: [RecordingEntry] = []
        while let entry = try reader.next() { read.append(entry) }
        #expect(read == entries)
        #expect(reader.endedEarly == nil)
        #expect(try readAll(try recorded()).entries == entries)
        #expect(entries[1].time == .microseconds(33_333))
    }

    @Test("a file cut anywhere reads up to its last complete entry, and says it was cut short")
    func cutShort() throws {
        let bytes = try recorded()
        let boundaries = [16, 16 + 27, 16 + 27 + 24]
        for cut in 16..<bytes.count {
            let (read, endedEarly) = try readAll(Array(bytes[0..<cut]))
            let complete = boundaries.filter { $0 <= cut }.count - 1
            #expect(read == Array(entries.prefix(complete)), "cut at \(cut)")
            #expect((endedEarly?.isCutShort ?? false) == !boundaries.contains(cut), "cut at \(cut)")
        }
    }

    @Test("strict reading throws where the file was cut short")
    func strict() throws {
        let bytes = try recorded()
        var reader = try RecordingReader(bytes: Array(bytes.dropLast(10)))
        reader.strict = true
        _ = try reader.next()
        _ = try reader.next()
        #expect(throws: RecordingError.entryPastEnd(offset: 16 + 27 + 24, length: 1000)) { try reader.next() }
        var short = try RecordingReader(bytes: Array(bytes[0..<(16 + 10)]))
        short.strict = true
        #expect(throws: RecordingError.truncatedEntryHeader(offset: 16)) { try short.next() }
    }

    @Test("another magic number, another version, a cut header: each its error")
    func headerErrors() throws {
        var bytes = try recorded()
        #expect(throws: RecordingError.truncatedHeader) { try RecordingReader(bytes: Array(bytes[0..<12])) }
        #expect(throws: RecordingError.truncatedHeader) { try RecordingReader(bytes: []) }
        bytes[8] = 3
        #expect(throws: RecordingError.unsupportedVersion(found: 3)) { try RecordingReader(bytes: bytes) }
        bytes[0] = 0
        #expect(throws: RecordingError.self) { try RecordingReader(bytes: bytes) }
        let text = Array("not a recording at all".utf8)
        let error = #expect(throws: RecordingError.self) { try RecordingReader(bytes: text) }
        #expect(error?.description.contains("not a NanoVer recording") == true)
        #expect(throws: RecordingError.self) { try RecordingReader(path: temporaryPath("missing")) }
    }

    @Test("a length beyond any entry and a timestamp beyond 64 bits are corruption, thrown")
    func corruptEntries() throws {
        var long = try recorded()
        long[16 + 16 + 7] = 0x7F
        #expect(throws: RecordingError.self) { try readAll(long) }
        var late = try recorded()
        late[16 + 8] = 1
        #expect(throws: RecordingError.timestampOutOfRange(offset: 16)) { try readAll(late) }
    }

    @Test("the index finds every entry in one pass and reads any of them on demand")
    func index() throws {
        let bytes = try recorded()
        let index = try RecordingIndex(bytes: bytes)
        #expect(index.count == 3 && index.duration == 66_666 && index.endedEarly == nil)
        #expect(try index.entry(at: 2) == entries[2])
        #expect(try index.entry(at: 0) == entries[0])
        let cut = try RecordingIndex(bytes: Array(bytes.dropLast(1)))
        #expect(cut.count == 2 && cut.endedEarly?.isCutShort == true)
    }
}
