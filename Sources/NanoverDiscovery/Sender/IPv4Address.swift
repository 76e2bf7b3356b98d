import NIOCore

/// An IPv4 address as a number, for the arithmetic of networks: which
/// network an address is on, and that network's broadcast address.
struct IPv4Address: Hashable, Sendable, CustomStringConvertible {
    /// The address, most significant byte first (`192.0.2.1` is
    /// `0xC000_0201`).
    let value: UInt32

    init(_ value: UInt32) {
        self.value = value
    }

    /// The address a dotted quad spells (`192.0.2.1`); nil for anything
    /// else.
    init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        self.value = value
    }

    /// The IPv4 address of a socket address; nil for IPv6 and the rest.
    init?(_ address: SocketAddress?) {
        guard case .v4(let inner)? = address else { return nil }
        self.value = UInt32(bigEndian: inner.address.sin_addr.s_addr)
    }

    /// Whether the address is on the loopback network, 127.0.0.0/8.
    var isLoopback: Bool {
        value >> 24 == 127
    }

    /// `127.0.0.1`.
    static let loopback = IPv4Address(0x7F00_0001)

    var description: String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }
}
