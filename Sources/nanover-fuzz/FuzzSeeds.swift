import Foundation
import NanoverCore
import NanoverProtocol
import NanoverWebSocket
import SwiftProtobuf

/// Valid inputs to start mutating from: requests of every kind of value and
/// lock, framed as the harness reads them.
enum FuzzSeeds {
    static var all: [[UInt8]] {
        var seeds: [[UInt8]] = []
        func frame(_ kind: UInt8, _ message: some SwiftProtobuf.Message) -> [UInt8] {
            let bytes: [UInt8] = (try? message.serializedBytes()) ?? []
            return [kind, UInt8(bytes.count >> 8 & 0xFF), UInt8(bytes.count & 0xFF)] + bytes
        }
        let null = Google_Protobuf_Value.with { $0.nullValue = .nullValue }
        var update = Nanover_Protocol_State_UpdateStateRequest()
        update.accessToken = "a"
        update.update.changedKeys.fields = [
            "n": .init(numberValue: 1.5), "s": .init(stringValue: "ключ ✓"), "b": .init(boolValue: true),
            "gone": null, "": .init(stringValue: ""),
            "l": .init(listValue: .init(values: [.init(numberValue: .nan), null])),
            "avatar.1": .init(structValue: .init(fields: ["head": .init(listValue: .init(values: [.init(numberValue: 0.1)]))])),
        ]
        var locks = Nanover_Protocol_State_UpdateLocksRequest()
        locks.accessToken = "b"
        locks.lockKeys.fields = ["n": .init(numberValue: 5), "s": null, "x": .init(numberValue: -1)]
        var other = update
        other.accessToken = "b"
        seeds.append(frame(0, update))
        seeds.append(frame(1, locks))
        seeds.append(frame(1, locks) + frame(0, other) + frame(0, update))
        seeds.append(frame(0, Nanover_Protocol_State_UpdateStateRequest()))
        var trajectory = Nanover_Protocol_Trajectory_GetFrameResponse()
        trajectory.frameIndex = 3
        trajectory.frame.values = ["particle.count": .init(numberValue: 2), "server.timestamp": .init(numberValue: 1.25)]
        trajectory.frame.arrays["particle.positions"] = .with { $0.floatValues.values = [0, 1, 2, 3, 4, 5] }
        trajectory.frame.arrays["particle.elements"] = .with { $0.indexValues.values = [1, 8] }
        trajectory.frame.arrays["particle.names"] = .with { $0.stringValues.values = ["H", "O"] }
        seeds.append(frame(2, trajectory))
        let trajectoryBytes: [UInt8] = (try? trajectory.serializedBytes()) ?? []
        let json = Array(#"{"i":-3,"u":18446744073709551615,"d":2.5e-3,"w":1.0,"s":"\u00e9\ud83c\udf89\n","b":{"$binary":"AQID"},"n":null,"l":[true,false,[],{}],"x":"NaN"}"#.utf8)
        seeds.append([3, UInt8(json.count >> 8 & 0xFF), UInt8(json.count & 0xFF)] + json)
        let interaction = Array(#"{"position":[0.5,1,"NaN"],"particles":[3,1,3],"interaction_type":"spring","scale":2,"mass_weighted":false,"reset_velocities":true,"max_force":"Infinity","label":"pull"}"#.utf8)
        seeds.append([3, UInt8(interaction.count >> 8 & 0xFF), UInt8(interaction.count & 0xFF)] + interaction)
        var recording: [UInt8] = []
        for number in [RecordingFormat.magicNumber, RecordingFormat.version, 1_000, 0, UInt64(trajectoryBytes.count)] {
            for shift in stride(from: 0, to: 64, by: 8) { recording.append(UInt8(truncatingIfNeeded: number >> UInt64(shift))) }
        }
        recording += trajectoryBytes
        seeds.append([4, UInt8(recording.count >> 8 & 0xFF), UInt8(recording.count & 0xFF)] + recording)
        // {"state": {"updates": {"a": [1, -1, 1.5, nil, true, "é", bin]}, "removals": ["b"]}}
        let message: [UInt8] = [0x81, 0xA5] + Array("state".utf8) + [0x82, 0xA7] + Array("updates".utf8)
            + [0x81, 0xA1, 0x61, 0x97, 0x01, 0xFF, 0xCB, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0, 0xC0, 0xC3, 0xA2, 0xC3, 0xA9, 0xC4, 0x01, 0x07]
            + [0xA8] + Array("removals".utf8) + [0x91, 0xA1, 0x62]
        seeds.append([5, 0, UInt8(message.count)] + message)
        let hub = Array(#"{"name": "Caf\u00e9 \u2713", "address": "[::]", "id": "6f1c0a52-3f0e-4b8e-9d1a-2c7e5b9f0a11", "essd_version": "1.0.0", "services": {"multiplayer": 38801, "ws": 38802}, "port": 38801}"#.utf8)
        seeds.append([6, 0, UInt8(hub.count)] + hub)
        if let zip = messageRecording([message, OutgoingMessage.frame(index: 0, Frame(values: ["particle.count": 2]))]) {
            seeds.append([7, UInt8(zip.count >> 8 & 0xFF), UInt8(zip.count & 0xFF)] + zip)
        }
        let index = MessageRecording.indexBytes([
            MessageRecordingEntry(offset: 0, length: 30, timestamp: 0, types: ["state"]),
            MessageRecordingEntry(offset: 30, length: 37, timestamp: 1_500, types: ["frame"], frameIndex: 0),
        ])
        seeds.append([7, 0, UInt8(index.count)] + index)
        return seeds
    }

    /// The bytes of a `.nanover.zip` of `messages`, written through a file
    /// as the writer writes.
    private static func messageRecording(_ messages: [[UInt8]]) -> [UInt8]? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nanover-fuzz-seed-\(UUID().uuidString).nanover.zip").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard let writer = try? MessageRecordingWriter(path: path) else { return nil }
        for (number, message) in messages.enumerated() {
            try? writer.append(message, at: UInt64(number) * 1000)
        }
        try? writer.close()
        return FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }
}
