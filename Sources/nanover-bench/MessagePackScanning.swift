/// Walks MessagePack bytes without building values: the load generator's
/// 2026 observers find the avatars' stamps in each state message with it,
/// as the gRPC observers do with ``PlainProtobufReader``, so that measuring
/// costs little next to the load itself. Every read is bounds-checked; a
/// malformed message ends the walk (nil), it never traps.
struct MessagePackScanner {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private mutating func byte() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func bigEndian(_ count: Int) -> UInt64? {
        guard count <= bytes.count - position else { return nil }
        var value: UInt64 = 0
        for offset in 0..<count {
            value = value << 8 | UInt64(bytes[position + offset])
        }
        position += count
        return value
    }

    private mutating func advance(_ count: Int) -> Bool {
        guard count >= 0, count <= bytes.count - position else { return false }
        position += count
        return true
    }

    /// The entry count of the map that starts here, consuming its header;
    /// nil (with the value left unread) if it is not a map.
    mutating func mapHeader() -> Int? {
        let start = position
        guard let marker = byte() else { return nil }
        switch marker {
        case 0x80...0x8f: return Int(marker & 0x0f)
        case 0xde: return bigEndian(2).map { Int($0) }
        case 0xdf: return bigEndian(4).map { Int($0) }
        default:
            position = start
            return nil
        }
    }

    /// The key of the map entry that starts here, consumed; "" for a key
    /// that is not a string (skipped). Nil if the bytes end first.
    mutating func key() -> String? {
        if let name = string() { return name }
        return skip() ? "" : nil
    }

    /// The string that starts here, consumed; nil (with the value left
    /// unread) if it is not a string.
    mutating func string() -> String? {
        let start = position
        guard let marker = byte() else { return nil }
        let length: UInt64?
        switch marker {
        case 0xa0...0xbf: length = UInt64(marker & 0x1f)
        case 0xd9: length = bigEndian(1)
        case 0xda: length = bigEndian(2)
        case 0xdb: length = bigEndian(4)
        default:
            position = start
            return nil
        }
        guard let length, let count = Int(exactly: length), count <= bytes.count - position else { return nil }
        defer { position += count }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<position + count]), as: UTF8.self)
    }

    /// The number that starts here, consumed; nil (with the value skipped)
    /// if it is not a number.
    mutating func number() -> Double? {
        let start = position
        guard let marker = byte() else { return nil }
        switch marker {
        case 0x00...0x7f: return Double(marker)
        case 0xe0...0xff: return Double(Int8(bitPattern: marker))
        case 0xca: return bigEndian(4).map { Double(Float(bitPattern: UInt32($0))) }
        case 0xcb: return bigEndian(8).map { Double(bitPattern: $0) }
        case 0xcc: return bigEndian(1).map { Double($0) }
        case 0xcd: return bigEndian(2).map { Double($0) }
        case 0xce: return bigEndian(4).map { Double($0) }
        case 0xcf: return bigEndian(8).map { Double($0) }
        case 0xd0: return bigEndian(1).map { Double(Int8(truncatingIfNeeded: $0)) }
        case 0xd1: return bigEndian(2).map { Double(Int16(truncatingIfNeeded: $0)) }
        case 0xd2: return bigEndian(4).map { Double(Int32(truncatingIfNeeded: $0)) }
        case 0xd3: return bigEndian(8).map { Double(Int64(bitPattern: $0)) }
        default:
            position = start
            _ = skip()
            return nil
        }
    }

    /// Skips the value that starts here, however nested; false if the bytes
    /// end first or hold what is not MessagePack.
    mutating func skip() -> Bool {
        var pending = 1
        while pending > 0 {
            pending -= 1
            guard let marker = byte() else { return false }
            var elements = 0
            var length = 0
            switch marker {
            case 0x00...0x7f, 0xe0...0xff, 0xc0, 0xc2, 0xc3: break
            case 0x80...0x8f: elements = 2 * Int(marker & 0x0f)
            case 0x90...0x9f: elements = Int(marker & 0x0f)
            case 0xa0...0xbf: length = Int(marker & 0x1f)
            case 0xc4, 0xd9: guard let count = bigEndian(1) else { return false }; length = Int(count)
            case 0xc5, 0xda: guard let count = bigEndian(2) else { return false }; length = Int(count)
            case 0xc6, 0xdb: guard let count = bigEndian(4) else { return false }; length = Int(count)
            case 0xc7: guard let count = bigEndian(1) else { return false }; length = Int(count) + 1
            case 0xc8: guard let count = bigEndian(2) else { return false }; length = Int(count) + 1
            case 0xc9: guard let count = bigEndian(4) else { return false }; length = Int(count) + 1
            case 0xca, 0xce, 0xd2: length = 4
            case 0xcb, 0xcf, 0xd3: length = 8
            case 0xcc, 0xd0: length = 1
            case 0xcd, 0xd1: length = 2
            case 0xd4: length = 2
            case 0xd5: length = 3
            case 0xd6: length = 5
            case 0xd7: length = 9
            case 0xd8: length = 17
            case 0xdc: guard let count = bigEndian(2) else { return false }; elements = Int(count)
            case 0xdd: guard let count = bigEndian(4) else { return false }; elements = Int(count)
            case 0xde: guard let count = bigEndian(2) else { return false }; elements = 2 * Int(count)
            case 0xdf: guard let count = bigEndian(4) else { return false }; elements = 2 * Int(count)
            default: return false
            }
            guard advance(length) else { return false }
            // A claimed count larger than the bytes left cannot be real.
            guard elements <= bytes.count - position else { return false }
            pending += elements
        }
        return true
    }

    /// Moves into the value of `key` in the map that starts here; false if
    /// the map has no such key.
    mutating func enter(key: String) -> Bool {
        guard let count = mapHeader() else { return false }
        for _ in 0..<count {
            guard let name = self.key() else { return false }
            if name == key {
                return true
            }
            guard skip() else { return false }
        }
        return false
    }
}

/// The stamps of the avatars a 2026 state message carries.
enum WebSocketStamps {
    static func stamps(in message: UnsafeRawBufferPointer) -> [Stamp] {
        var scanner = MessagePackScanner(message)
        guard scanner.enter(key: "state"), scanner.enter(key: "updates"), let count = scanner.mapHeader() else { return [] }
        var stamps: [Stamp] = []
        stamps.reserveCapacity(count)
        for _ in 0..<count {
            guard let key = scanner.key() else { return stamps }
            var sent: Double?
            var sequence: Double?
            if let fields = scanner.mapHeader() {
                for _ in 0..<fields {
                    switch scanner.key() {
                    case "sent": sent = scanner.number()
                    case "seq": sequence = scanner.number()
                    case nil: return stamps
                    default: guard scanner.skip() else { return stamps }
                    }
                }
            } else {
                guard scanner.skip() else { return stamps }
            }
            if let sent {
                stamps.append(Stamp(key: key, sent: sent, sequence: sequence))
            }
        }
        return stamps
    }
}
