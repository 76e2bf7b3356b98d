import NanoverMessagePack

/// A user's avatar as a 2026 state message, encoded once with placeholder
/// numbers; each write patches the numbers in place (MessagePack float 64s
/// are big-endian), as ``AvatarRequestTemplate`` does for gRPC. The value
/// has the same fields as over gRPC: three poses, `seq` and `sent`.
struct WebSocketAvatarTemplate: Sendable {
    private let template: [UInt8]
    private let offsets: [Int]

    init(user index: Int) {
        let placeholders = (0..<AvatarRequestTemplate.numberCount).map { Double(bitPattern: 0x3FF1_2345_6789_0000 | UInt64($0)) }
        var next = 0
        func placeholder() -> MessagePackValue {
            defer { next += 1 }
            return .double(placeholders[next])
        }
        func pose() -> MessagePackValue {
            .map([
                (.string("position"), .array([placeholder(), placeholder(), placeholder()])),
                (.string("rotation"), .array([placeholder(), placeholder(), placeholder(), placeholder()])),
            ])
        }
        let avatar: MessagePackValue = .map([
            (.string("head"), pose()), (.string("left"), pose()), (.string("right"), pose()),
            (.string("seq"), placeholder()), (.string("sent"), placeholder()),
        ])
        let message: MessagePackValue = .map([(.string("state"), .map([
            (.string("updates"), .map([(.string("avatar.\(index)"), avatar)])),
            (.string("removals"), .array([])),
        ]))])
        let encoded = MessagePackWriter.bytes(message)
        template = encoded
        offsets = placeholders.map { value in
            let pattern = withUnsafeBytes(of: value.bitPattern.bigEndian, Array.init)
            return (0...(encoded.count - 8)).first { Array(encoded[$0..<$0 + 8]) == pattern }!
        }
    }

    /// The message bytes with `numbers` in place (see ``VRSession/avatarNumbers(sequence:phase:)``).
    func message(with numbers: [Double]) -> [UInt8] {
        var bytes = template
        bytes.withUnsafeMutableBytes { buffer in
            for (offset, number) in zip(offsets, numbers) {
                buffer.storeBytes(of: number.bitPattern.bigEndian, toByteOffset: offset, as: UInt64.self)
            }
        }
        return bytes
    }
}
