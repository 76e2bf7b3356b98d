import Foundation
import NanoverCore

/// Where a 2026 server listens, read from a `ws://HOST:PORT` URL.
///
/// Only plain `ws` is accepted (no TLS), with an explicit port: 2026
/// servers have no standard port to fall back on (ours listens on
/// ``NanoverWebSocketServer/defaultPort``, 38802; the reference on 38801).
public struct WebSocketEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The host: a name or an IP address, an IPv6 literal without its
    /// brackets.
    public let host: String
    /// The TCP port, from 1 to 65535.
    public let port: Int
    /// The path asked for in the upgrade request: `/` unless the URL gives
    /// one (2026 servers serve one endpoint, without a path).
    public let path: String

    /// The endpoint of `url`: scheme `ws`, a host, an explicit port.
    ///
    /// - Throws: ``NanoverWebSocketClientError/badURL(_:reason:)`` saying
    ///   what is wrong.
    public init(url: String) throws(NanoverWebSocketClientError) {
        func bad(_ reason: String) -> NanoverWebSocketClientError { .badURL(url, reason: reason) }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw bad("it is not a URL; give ws://HOST:PORT")
        }
        guard scheme == "ws" else {
            throw bad(scheme == "wss" ? "wss (TLS) is not supported; give ws://HOST:PORT" : "the scheme must be ws, as in ws://HOST:PORT")
        }
        guard let given = components.host, !given.isEmpty else { throw bad("it has no host; give ws://HOST:PORT") }
        // URLComponents keeps an IPv6 literal's brackets on some platforms.
        let host = HostLiteral.unbracketed(given)
        guard let port = components.port else { throw bad("it has no port; give ws://HOST:PORT") }
        guard (1...65535).contains(port) else { throw bad("the port must be between 1 and 65535") }
        guard components.query == nil, components.fragment == nil, components.user == nil else {
            throw bad("a NanoVer URL has no user, query or fragment")
        }
        self.host = host
        self.port = port
        self.path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
    }

    /// `ws://HOST:PORT`, with the path when it is not `/`.
    public var description: String {
        "ws://\(HostLiteral.bracketed(host)):\(port)" + (path == "/" ? "" : path)
    }

    /// The `Host` header of the upgrade request.
    var hostHeader: String {
        HostLiteral.bracketed(host) + ":\(port)"
    }
}
