import Foundation
import GRPCCore
@_spi(Fuzzing) import NanoverCore
import NanoverDiscovery
@_spi(Fuzzing) import NanoverGRPC
import NanoverMessagePack
import NanoverProtocol
import NanoverWebSocket
import NanoverTesting
import SwiftProtobuf

/// Feeds arbitrary bytes to the state service as `UpdateStateRequest` and
/// `UpdateLocksRequest` messages, through the very code that serves them,
/// and checks after each that the state still encodes to what it holds.
///
/// An input is a list of requests: one byte for the kind (modulo 7: 0 state
/// update, 1 lock update, 2 `GetFrameResponse`, 3 NanoVer JSON text, also
/// read as an interaction, 4 a `.traj`/`.state` recording, 5 MessagePack,
/// also read as a 2026 message, 6 a discovery datagram, 7 a `.nanover.zip`
/// recording and its index), two for the length, then that many bytes.
/// Expected outcomes are statuses; anything else (a crash, a hang, state
/// that does not round-trip) is a finding.
final class FuzzHarness: @unchecked Sendable {
    // Used from one fuzzing thread only; libFuzzer calls it serially.
    private let clock = ManualClock()
    private let engine: StateEngine
    private let service: StateServiceHarness
    private(set) var executions = 0
    private(set) var accepted = 0

    init() {
        engine = StateEngine(clock: clock)
        service = StateServiceHarness(engine: engine)
    }

    func run(_ input: UnsafeRawBufferPointer) {
        executions += 1
        var offset = 0
        while offset + 3 <= input.count {
            let kind = input[offset]
            let length = Int(input[offset + 1]) << 8 | Int(input[offset + 2])
            offset += 3
            let end = min(offset + length, input.count)
            let request = Array(input[offset..<end])
            offset = end
            switch kind % 8 {
            case 6:
                checkDiscovery(request)
                continue
            case 7:
                checkMessageRecording(request)
                continue
            case 5:
                checkMessagePack(request)
                continue
            case 4:
                checkRecording(request)
                continue
            case 3:
                checkJSON(request)
                continue
            case 2:
                checkFrame(request)
                continue
            default:
                break
            }
            let isUpdate = kind % 8 == 0
            if isUpdate, !service.plainReadingAgrees(request) {
                fatalError("the plain reader and swift-protobuf read \(request) differently")
            }
            do {
                if try isUpdate ? service.updateState(request) : service.updateLocks(request) {
                    accepted += 1
                }
            } catch is RPCError {
                // A status for the caller: what hostile bytes should get.
            } catch {
                fatalError("unexpected error, not a status: \(error)")
            }
            clock.advance(by: .milliseconds(Int(kind)))
        }
        checkStateRoundTrips()
        if executions % 1000 == 0 {
            // Keep the state small so each run stays fast.
            engine.clearLocks()
            try? engine.update(StateChange(removals: Set(engine.copyState().keys)))
        }
    }

    /// NanoVer JSON: any bytes are read or refused with its error, and what
    /// is read is written back to text that reads as the same value, kinds
    /// and all.
    private func checkJSON(_ bytes: [UInt8]) {
        guard let value = try? NanoverJSON.value(fromUTF8: bytes) else { return }
        let text = NanoverJSON.string(value)
        guard let again = try? NanoverJSON.value(from: text), again == value, NanoverJSON.string(again) == text else {
            fatalError("NanoVer JSON does not read back what it wrote for \(bytes)")
        }
        accepted += 1
        checkInteraction(value)
    }

    /// Discovery datagrams: any bytes are read as a hub description or
    /// refused with its error, and a description read is written back to a
    /// datagram that reads as the same description.
    private func checkDiscovery(_ bytes: [UInt8]) {
        guard let hub = try? HubDescription(json: bytes) else { return }
        guard let again = try? HubDescription(json: hub.json), again.json == hub.json, again == hub else {
            fatalError("a hub description does not read back what it wrote for \(bytes)")
        }
        accepted += 1
    }

    /// Interactions: any value is read as one or refused with its error,
    /// and one read is written back to a value that reads the same.
    private func checkInteraction(_ value: NanoverValue) {
        guard let interaction = try? ParticleInteraction(stateValue: value) else { return }
        let written = interaction.stateValue
        guard let again = try? ParticleInteraction(stateValue: written),
              NanoverJSON.string(again.stateValue) == NanoverJSON.string(written)
        else {
            fatalError("an interaction does not read back what it wrote for \(value)")
        }
    }

    /// MessagePack: any bytes are read or refused with their error; what is
    /// read is written back to bytes that read as the same value, and a
    /// value a session can hold maps back to the same MessagePack value. As
    /// a 2026 message, its state and frame are written back and read the
    /// same.
    private func checkMessagePack(_ bytes: [UInt8]) {
        if let message = try? IncomingMessage(bytes: bytes) {
            // Compared as NanoVer JSON, in which NaN equals itself.
            func text(_ change: StateChange?) -> String? {
                change.map { NanoverJSON.string(.structure($0.updates)) + NanoverJSON.string(.list($0.removals.sorted().map(NanoverValue.string))) }
            }
            if let change = message.state, text((try? IncomingMessage(bytes: OutgoingMessage.state(change)))?.state) != text(change) {
                fatalError("a 2026 state message does not read back what it wrote for \(bytes)")
            }
            if let frame = message.frame,
               (try? IncomingMessage(bytes: OutgoingMessage.frame(index: frame.index, frame.frame)))?.frame.map({ Self.identical($0.frame, frame.frame) }) != true {
                fatalError("a 2026 frame message does not read back what it wrote for \(bytes)")
            }
        }
        guard let value = try? MessagePackReader.value(from: bytes) else { return }
        let written = MessagePackWriter.bytes(value)
        guard let again = try? MessagePackReader.value(from: written), again == value,
              MessagePackWriter.bytes(again) == written
        else {
            fatalError("MessagePack does not read back what it wrote for \(bytes)")
        }
        if let session = try? NanoverValue(messagePack: value),
           (try? NanoverValue(messagePack: session.messagePackValue)).map({ NanoverJSON.string($0) == NanoverJSON.string(session) }) != true {
            fatalError("a session value does not map back to itself for \(bytes)")
        }
        accepted += 1
    }

    /// Recording files: any bytes are read entry by entry or refused with a
    /// recording error, and the one-pass index finds the very entries the
    /// reader reads, cut short at the same place.
    private func checkRecording(_ bytes: [UInt8]) {
        var entries: [RecordingEntry] = []
        var reader: RecordingReader
        do {
            reader = try RecordingReader(bytes: bytes)
            while let entry = try reader.next() { entries.append(entry) }
        } catch {
            return
        }
        guard let index = try? RecordingIndex(bytes: bytes), index.count == entries.count,
              index.endedEarly == reader.endedEarly,
              (0..<index.count).allSatisfy({ (try? index.entry(at: $0)) == entries[$0] })
        else {
            fatalError("the recording index and reader disagree on \(bytes)")
        }
        for entry in entries {
            _ = try? entry.recordedFrame()
            _ = try? entry.recordedStateChange()
        }
        accepted += 1
    }

    /// 2026 recordings: any bytes are opened as a `.nanover.zip` or refused
    /// with a recording error; one opened has every entry inside its
    /// messages, each read whole. The same bytes read as an index give
    /// entries that write back to an index that reads the same.
    private func checkMessageRecording(_ bytes: [UInt8]) {
        if let recording = try? MessageRecording(bytes: bytes) {
            for position in recording.entries.indices {
                let entry = recording.entries[position]
                guard entry.offset + entry.length <= recording.messagesSize,
                      (try? recording.message(at: position))?.count == Int(entry.length)
                else {
                    fatalError("a 2026 recording's entry \(position) is not inside its messages for \(bytes)")
                }
                _ = try? MessageRecordingTrack(recording).moment(at: position)
            }
            _ = try? recording.verify()
            accepted += 1
        }
        guard let entries = try? MessageRecording.entries(bytes) else { return }
        guard (try? MessageRecording.entries(MessageRecording.indexBytes(entries))) == entries else {
            fatalError("a 2026 recording index does not read back what it wrote for \(bytes)")
        }
        accepted += 1
    }

    /// Frames: whatever swift-protobuf reads as a `GetFrameResponse` is
    /// converted to a frame or refused with a value error, and a frame
    /// converted back reads as the same frame.
    private func checkFrame(_ bytes: [UInt8]) {
        guard let response = try? Nanover_Protocol_Trajectory_GetFrameResponse(serializedBytes: bytes),
              let frame = try? Frame(protobuf: response.frame)
        else { return }
        guard let data = try? frame.protobufFrameData(),
              let again = try? Frame(protobuf: Nanover_Protocol_Trajectory_FrameData(serializedBytes: data.serializedBytes() as [UInt8])),
              Self.identical(frame, again)
        else {
            fatalError("a frame does not read back what it wrote for \(bytes)")
        }
        accepted += 1
    }

    /// Equality with floats compared bit for bit, so that NaN equals itself.
    private static func identical(_ a: Frame, _ b: Frame) -> Bool {
        guard a.values == b.values, a.arrays.count == b.arrays.count else { return false }
        for (key, array) in a.arrays {
            switch (array, b.arrays[key]) {
            case (.floats(let x), .floats(let y)?):
                guard x.map(\.bitPattern) == y.map(\.bitPattern) else { return false }
            default:
                guard array == b.arrays[key] else { return false }
            }
        }
        return true
    }

    /// What a new subscriber would be sent must decode to exactly the state.
    private func checkStateRoundTrips() {
        guard let (state, bytes) = Optional(try? StateServiceHarness.stateWithItsEncoding(engine)).flatMap({ $0 }),
              let decoded = try? Nanover_Protocol_State_StateUpdate(serializedBytes: bytes),
              let fields = try? NanoverStruct(protobuf: decoded.changedKeys)
        else {
            fatalError("the state's own encoding does not decode")
        }
        guard fields == state else {
            fatalError("the state's encoding decodes to something else")
        }
    }
}
