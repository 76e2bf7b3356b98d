import Foundation

/// A client that starts one gRPC call over a plain socket and then never
/// reads another byte: it sends no flow-control updates, so the server can
/// push only one window's worth before it must wait. The way a frozen
/// headset looks from the server.
final class StalledHTTP2Client {
    private let socket: Int32

    /// Connects to 127.0.0.1:`port` and calls `path` with `message` (the
    /// protobuf bytes of the request).
    init(port: Int, path: String, message: [UInt8]) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw StalledClientError("socket failed") }
        // Keep the kernel's receive buffer small, so it fills quickly too.
        var small: Int32 = 4096
        setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw StalledClientError("connect failed") }

        var bytes = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        bytes += Self.frame(type: 0x4, flags: 0, stream: 0, payload: [])  // SETTINGS, defaults
        let headers: [(String, String)] = [
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost"),
            ("content-type", "application/grpc"), ("te", "trailers"),
        ]
        var block: [UInt8] = []
        for (name, value) in headers {
            // HPACK literal without indexing, new name, no Huffman.
            block += [0x00, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
        }
        bytes += Self.frame(type: 0x1, flags: 0x4, stream: 1, payload: block)  // HEADERS, END_HEADERS
        let length = UInt32(message.count)
        let grpcMessage: [UInt8] = [0, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + message
        bytes += Self.frame(type: 0x0, flags: 0x1, stream: 1, payload: grpcMessage)  // DATA, END_STREAM
        let sent = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
        guard sent == bytes.count else { throw StalledClientError("send failed") }
    }

    private static func frame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags,
                UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)] + payload
    }

    deinit {
        close(socket)
    }
}

struct StalledClientError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
