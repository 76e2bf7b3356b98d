import Foundation
import NanoverCore
import NanoverMessagePack
import NanoverWebSocket
import Testing

/// The NanoVer 2026 recording format, `.nanover.zip`: written streaming,
/// read back, its index laid out as the contract says, bad files refused,
/// a crashed recording repaired.
@Suite("2026 recordings")
struct MessageRecordingTests {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nanover-zip-\(UUID().uuidString)")

    private func path(_ name: String = "session") throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name + ".nanover.zip").path
    }

    private func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func contents(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private let state = OutgoingMessage.state(StateChange(updates: ["avatar.a": ["name": "a"], "n": .uint(UInt64.max)], removals: ["gone"]))
    private let frame = OutgoingMessage.frame(index: 0, {
        var frame = Frame(values: [FrameKey.particleCount: 2])
        frame.setParticlePositions([SIMD3(0, 1, 2), SIMD3(3, 4, 5)])
        return frame
    }())

    /// A recording of a state message, a frame message, and both in one.
    private func written(_ path: String, zip64Limit: UInt64? = nil) throws -> MessageRecordingWriter {
        let writer = try zip64Limit.map { try MessageRecordingWriter(path: path, zip64Limit: $0) } ?? MessageRecordingWriter(path: path)
        try writer.append(state, types: ["state"], at: 0)
        try writer.append(frame, types: ["frame"], frameIndex: 0, at: 1_500)
        // Types and index found by reading the message.
        let both = MessagePackWriter.bytes(.map([
            (.string("state"), .map([(.string("updates"), .map([(.string("x"), .int(-1))]))])),
            (.string("frame"), .map([(.string("frame.index"), .uint(4)), (.string("step"), .uint(4))])),
        ]))
        try writer.append(both, at: 40_000)
        return writer
    }

    @Test("what the writer writes reads back: the index's entries, each message's bytes, the checksums, the frames and changes played")
    func roundTrip() throws {
        defer { cleanUp() }
        let path = try path()
        let writer = try written(path)
        #expect(FileManager.default.fileExists(atPath: path + ".journal"), "the index is kept beside the file while recording")
        #expect(writer.count == 3)
        try writer.close()
        try writer.close()
        #expect(!FileManager.default.fileExists(atPath: path + ".journal"), "and removed once it is in the zip")
        #expect(throws: RecordingError.self) { try writer.append([0x80], at: 0) }

        let recording = try MessageRecording(path: path)
        #expect(recording.entries.map(\.timestamp) == [0, 1_500, 40_000])
        #expect(recording.entries.map(\.types) == [["state"], ["frame"], ["state", "frame"]])
        #expect(recording.entries.map(\.frameIndex) == [nil, 0, 4])
        #expect(recording.entries.map(\.offset) == [0, UInt64(state.count), UInt64(state.count + frame.count)])
        #expect(recording.messagesSize == recording.entries.reduce(0) { $0 + $1.length })
        #expect(try recording.message(at: 0) == state)
        #expect(try recording.message(at: 1) == frame)
        #expect(recording.duration == 40_000)
        try recording.verify()

        let track = MessageRecordingTrack(recording)
        #expect(try track.moment(at: 0).change == StateChange(updates: ["avatar.a": ["name": "a"], "n": .uint(UInt64.max)], removals: ["gone"]))
        let played = try #require(try track.moment(at: 1).frame)
        #expect(played.index == 0)
        #expect(try played.frame.particlePositions() == [SIMD3(0, 1, 2), SIMD3(3, 4, 5)])
        let both = try track.moment(at: 2)
        #expect(both.change == StateChange(updates: ["x": -1]) && both.frame?.index == 4)
        #expect(track.mayChangeState(at: 2) && !track.mayChangeState(at: 1))
    }

    @Test("the zip holds two stored members, messages.msgpack then index.msgpack, the index an array of the contract's maps")
    func layout() throws {
        defer { cleanUp() }
        let path = try path()
        try written(path).close()
        let bytes = try contents(path)
        // messages.msgpack first, streamed: a zip64 local header, stored.
        #expect(Array(bytes[0..<4]) == [0x50, 0x4B, 0x03, 0x04])
        #expect(bytes[8] == 0 && bytes[9] == 0, "stored")
        #expect(Array(bytes[30..<46]) == Array("messages.msgpack".utf8))
        let messages = state + frame
        #expect(Array(bytes[66..<(66 + messages.count)]) == messages, "the messages as they came, one after another")

        let index = try MessagePackReader.value(from: MessageRecording.indexBytes(MessageRecording(path: path).entries))
        #expect(index == .array([
            .map([(.string("offset"), .uint(0)), (.string("length"), .uint(UInt64(state.count))),
                  (.string("metadata"), .map([(.string("types"), .array([.string("state")])), (.string("timestamp"), .uint(0))]))]),
            .map([(.string("offset"), .uint(UInt64(state.count))), (.string("length"), .uint(UInt64(frame.count))),
                  (.string("metadata"), .map([(.string("types"), .array([.string("frame")])), (.string("frame.index"), .uint(0)), (.string("timestamp"), .uint(1_500))]))]),
            .map([(.string("offset"), .uint(UInt64(messages.count))), (.string("length"), .uint(UInt64(try MessageRecording(path: path).entries[2].length))),
                  (.string("metadata"), .map([(.string("types"), .array([.string("state"), .string("frame")])), (.string("frame.index"), .uint(4)), (.string("timestamp"), .uint(40_000))]))]),
        ]))
        // The index member holds exactly those bytes.
        let indexName = Array("index.msgpack".utf8)
        let header = try #require((0..<bytes.count - 4).first { Array(bytes[$0..<$0 + 4]) == [0x50, 0x4B, 0x03, 0x04] && $0 > 0 })
        #expect(Array(bytes[(header + 30)..<(header + 43)]) == indexName)
        let size = Int(bytes[header + 18]) | Int(bytes[header + 19]) << 8
        #expect(Array(bytes[(header + 43)..<(header + 43 + size)]) == MessageRecording.indexBytes(try MessageRecording(path: path).entries))
    }

    @Test("the zip64 forms, as a recording past 4 GiB would have them, read back")
    func zip64() throws {
        defer { cleanUp() }
        let path = try path()
        try written(path, zip64Limit: 0).close()
        let recording = try MessageRecording(path: path)
        #expect(recording.entries.count == 3)
        #expect(try recording.message(at: 1) == frame)
        try recording.verify()
    }

    @Test("a hundred thousand messages: the index is written streaming and read back whole")
    func manyEntries() throws {
        defer { cleanUp() }
        let path = try path()
        let writer = try MessageRecordingWriter(path: path)
        let count = 100_000
        for number in 0..<count {
            try writer.append(OutgoingMessage.state(StateChange(updates: ["n": .int(Int64(number))])), types: ["state"], at: UInt64(number) * 10)
        }
        try writer.close()
        let recording = try MessageRecording(path: path)
        #expect(recording.entries.count == count)
        #expect(recording.entries.last?.timestamp == UInt64(count - 1) * 10)
        #expect(try MessageRecordingTrack(recording).moment(at: 76_543).change == StateChange(updates: ["n": 76_543]))
        try recording.verify()
    }

    /// A recording whose index is `index` (MessagePack bytes), its messages
    /// `messages`, written with the zip container alone.
    private func recording(index: [UInt8], messages: [UInt8] = [0x80], members: [String] = ["messages.msgpack", "index.msgpack"]) throws -> [UInt8] {
        let path = try path("raw")
        var zip = StoredZipWriter(file: try OutputFile(creating: path))
        for member in members {
            try zip.beginMember(member, expectedSize: nil)
            try zip.write(member == "index.msgpack" ? index : messages)
            try zip.endMember()
        }
        try zip.finish()
        zip.file.close()
        return try contents(path)
    }

    private func index(_ entries: [MessagePackValue]) -> [UInt8] {
        MessagePackWriter.bytes(.array(entries))
    }

    private func entry(offset: MessagePackValue = .uint(0), length: MessagePackValue = .uint(1), metadata: [(String, MessagePackValue)] = [("timestamp", .uint(0))]) -> MessagePackValue {
        .map([(.string("offset"), offset), (.string("length"), length), (.string("metadata"), .map(metadata.map { (.string($0.0), $0.1) }))])
    }

    @Test("a bad file is refused with an error that says what is wrong: not a zip, a member missing or compressed, a bad index, an entry past the messages")
    func badFiles() throws {
        defer { cleanUp() }
        #expect(throws: RecordingError.notAZip) { try MessageRecording(bytes: Array("PK but not a zip".utf8)) }
        #expect(throws: RecordingError.missingMember("messages.msgpack")) {
            try MessageRecording(bytes: try recording(index: index([]), members: ["index.msgpack"]))
        }
        #expect(throws: RecordingError.missingMember("index.msgpack")) {
            try MessageRecording(bytes: try recording(index: index([]), members: ["messages.msgpack"]))
        }
        let good = try recording(index: index([entry()]))
        #expect(try MessageRecording(bytes: good).entries == [MessageRecordingEntry(offset: 0, length: 1, timestamp: 0, types: nil)])
        // The second central header's method: index.msgpack compressed.
        var compressed = good
        let secondCentral = try #require((0..<compressed.count - 4).last { Array(compressed[$0..<$0 + 4]) == [0x50, 0x4B, 0x01, 0x02] })
        compressed[secondCentral + 10] = 8
        #expect(throws: RecordingError.compressedMember(name: "index.msgpack", method: 8)) { try MessageRecording(bytes: compressed) }

        let badIndexes: [([UInt8], String)] = [
            ([], "MessagePack ends inside a value (at byte 0)"),
            (MessagePackWriter.bytes(.map([])), "the index is not an array"),
            (index([.uint(3)]), "entry 0 is not a map"),
            (index([entry(offset: .int(-1))]), "entry 0 has no offset, a whole number from 0"),
            (index([entry(length: .string("1"))]), "entry 0 has no length, a whole number from 0"),
            (index([entry(), entry(metadata: [("types", .array([.string("state")]))])]), "entry 1 has no timestamp, whole microseconds from 0"),
            (index([entry(metadata: [("timestamp", .double(1.5))])]), "entry 0 has no timestamp, whole microseconds from 0"),
            (index([entry(metadata: [("timestamp", .uint(0)), ("types", .string("state"))])]), "entry 0 has types that are not a list"),
            (index([entry(metadata: [("timestamp", .uint(0)), ("frame.index", .int(-2))])]), "entry 0 has a frame.index that is not a frame index"),
            ([0x92] + MessagePackWriter.bytes(entry()), "entry 1: MessagePack ends inside a value (at byte \(1 + MessagePackWriter.bytes(entry()).count))"),
            (index([entry()]) + [0xC0], "bytes follow the index array, from byte \(index([entry()]).count)"),
            ([0xDD, 0xFF, 0xFF, 0xFF, 0xFF], "the index claims 4294967295 entries in 5 bytes"),
        ]
        for (bytes, reason) in badIndexes {
            #expect(throws: RecordingError.badIndex(reason)) { try MessageRecording(bytes: try recording(index: bytes)) }
        }
        #expect(throws: RecordingError.indexEntryPastEnd(entry: 1, offset: 1, length: 1, size: 1)) {
            try MessageRecording(bytes: try recording(index: index([entry(), entry(offset: .uint(1))])))
        }
        #expect(throws: RecordingError.indexEntryPastEnd(entry: 0, offset: UInt64.max, length: 2, size: 1)) {
            try MessageRecording(bytes: try recording(index: index([entry(offset: .uint(UInt64.max), length: .uint(2))])))
        }
        // A message that is not a 2026 message is the player's to refuse.
        let notAMessage = try MessageRecording(bytes: try recording(index: index([entry()]), messages: [0x01]))
        #expect(throws: WebSocketMessageError.notAMap) { try MessageRecordingTrack(notAMessage).moment(at: 0) }
    }

    @Test("a writer stopped before closing leaves an unfinished zip and its journal; repair finishes it up to the last whole entry")
    func repair() throws {
        defer { cleanUp() }
        let path = try path()
        let writer = try written(path)
        // The files as a crash would leave them: copied while still open.
        let crashed = try self.path("crashed")
        let zipBytes = try contents(path), journalBytes = try contents(path + ".journal")
        try writer.close()
        func crash(messagesCut: Int, journalCut: Int) throws {
            try Data(zipBytes.dropLast(messagesCut)).write(to: URL(fileURLWithPath: crashed))
            try Data(journalBytes.dropLast(journalCut)).write(to: URL(fileURLWithPath: crashed + ".journal"))
        }

        try crash(messagesCut: 0, journalCut: 0)
        #expect(throws: RecordingError.unfinishedZip) { try MessageRecording(path: crashed) }
        #expect(try MessageRecordingWriter.repair(path: crashed) == .init(entries: 3))
        #expect(!FileManager.default.fileExists(atPath: crashed + ".journal"))
        let repaired = try MessageRecording(path: crashed)
        #expect(repaired.entries == (try MessageRecording(path: path)).entries)
        try repaired.verify()
        #expect(try MessageRecordingWriter.repair(path: crashed) == .init(wasFinished: true, entries: 3), "a finished recording is left as it is")

        // The last message cut, and the journal inside its last entry: both
        // drop back to the last whole entry.
        try crash(messagesCut: 3, journalCut: 0)
        let cut = try MessageRecordingWriter.repair(path: crashed)
        #expect(cut.entries == 2 && cut.droppedMessageBytes == UInt64(zipBytes.count - 3 - 66 - state.count - frame.count))
        try MessageRecording(path: crashed).verify()
        #expect(try MessageRecording(path: crashed).entries.count == 2)
        try crash(messagesCut: 0, journalCut: 2)
        let journalCut = try MessageRecordingWriter.repair(path: crashed)
        #expect(journalCut.entries == 2 && journalCut.droppedJournalBytes > 0)
        #expect(try MessageRecording(path: crashed).message(at: 1) == frame)

        // Without its journal, the repair says which file it needed.
        try crash(messagesCut: 0, journalCut: 0)
        try FileManager.default.removeItem(atPath: crashed + ".journal")
        #expect(throws: RecordingError.io(path: crashed + ".journal", operation: "open", errno: ENOENT)) {
            try MessageRecordingWriter.repair(path: crashed)
        }
    }

    @Test("as a session recorder's sink: what a 2026 client is sent, a state message first, the first frame with index 0, time never going back")
    func sessionSink() throws {
        defer { cleanUp() }
        let path = try path()
        let writer = try MessageRecordingWriter(path: path)
        try writer.appendEmptyFirstState(at: 0)
        try writer.append(PublishedFrame(index: 7, frame: Frame(values: ["a": 1])), at: 10)
        try writer.append(PublishedFrame(index: 8, frame: Frame(values: ["b": 2])), at: 20)
        try writer.append(ReceivedFrame(index: 9, frame: Frame(values: ["c": 3])), at: 30)
        try writer.append(StateChange(updates: ["k": true]), at: 40)
        try writer.close()
        let recording = try MessageRecording(path: path)
        #expect(try recording.message(at: 0) == OutgoingMessage.state(StateChange()))
        #expect(recording.entries.map(\.frameIndex) == [nil, 0, 8, 9, nil])
        #expect(try recording.message(at: 1) == OutgoingMessage.frame(index: 0, Frame(values: ["a": 1])))
        #expect(try recording.message(at: 4) == OutgoingMessage.state(StateChange(updates: ["k": true])))

        // A frame before any state: an empty state message goes first, once.
        let framesFirst = try self.path("frames-first")
        let second = try MessageRecordingWriter(path: framesFirst)
        try second.append(ReceivedFrame(index: 3, frame: Frame(values: ["a": 1])), at: 5)
        try second.appendEmptyFirstState(at: 6)
        try second.append(StateChange(updates: ["k": true]), at: 7)
        try second.append(StateChange(updates: ["k": false]), at: 6)
        try second.close()
        let begun = try MessageRecording(path: framesFirst)
        #expect(begun.entries.map(\.types) == [["state"], ["frame"], ["state"], ["state"]])
        #expect(try begun.message(at: 0) == OutgoingMessage.state(StateChange()))
        #expect(begun.entries.map(\.timestamp) == [5, 5, 7, 7], "stamped before the one written ahead of it, a message takes its time")
    }
}
