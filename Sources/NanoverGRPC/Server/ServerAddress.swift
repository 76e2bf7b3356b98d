import Foundation
import GRPCNIOTransportHTTP2
import NanoverCore

/// Turns the address forms NanoVer users write (`[::]`, `0.0.0.0`,
/// `localhost`, `127.0.0.1`, `::1`, a host name) into a socket address.
enum AddressParsing {
    /// The address to listen on. `[::]` and `::` mean every interface, IPv4
    /// included; a host name is resolved, preferring IPv4.
    static func listeningAddress(host: String, port: Int) throws -> GRPCNIOTransportCore.SocketAddress {
        let host = HostLiteral.unbracketed(host)
        if isIPv6Literal(host) {
            return .ipv6(host: host, port: port)
        }
        if isIPv4Literal(host) {
            return .ipv4(host: host, port: port)
        }
        guard let resolved = resolve(host) else {
            throw NanoverServerError.unknownHost(host)
        }
        return resolved.isIPv6 ? .ipv6(host: resolved.address, port: port) : .ipv4(host: resolved.address, port: port)
    }

    /// The target to connect to: literals as they are, `localhost` as the
    /// IPv4 loopback (where a NanoVer server is sure to listen), other names
    /// through DNS.
    static func connectionTarget(host: String, port: Int) -> any ResolvableTarget {
        let host = HostLiteral.unbracketed(host)
        if host == "localhost" {
            return .ipv4(address: "127.0.0.1", port: port)
        }
        if isIPv6Literal(host) {
            return .ipv6(address: host, port: port)
        }
        if isIPv4Literal(host) {
            return .ipv4(address: host, port: port)
        }
        return .dns(host: host, port: port)
    }

    private static func isIPv4Literal(_ host: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, host, &address) == 1
    }

    private static func isIPv6Literal(_ host: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, host, &address) == 1
    }

    private static func resolve(_ host: String) -> (address: String, isIPv6: Bool)? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &results) == 0, let first = results else {
            return nil
        }
        defer { freeaddrinfo(results) }
        var candidates: [(String, Bool)] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let address = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                candidates.append((address, info.pointee.ai_family == AF_INET6))
            }
            cursor = info.pointee.ai_next
        }
        return candidates.first { !$0.1 } ?? candidates.first
    }
}
