import Synchronization

/// Who is acting on the state, for lock ownership.
///
/// Clients choose their own token and send it with every request (the
/// reference client uses a random UUID string). Code embedding a server acts
/// with ``none`` (the "no token" identity, distinct from every client's) or
/// with a ``unique()`` token that no client can send.
public struct AccessToken: Hashable, Sendable, CustomStringConvertible {
    private enum Identity: Hashable, Sendable {
        case none
        case client(String)
        case local(UInt64)
    }

    private let identity: Identity

    private init(identity: Identity) {
        self.identity = identity
    }

    /// The token a client sent on the wire (any string, the empty one included).
    ///
    /// - Parameter clientToken: The string, as the client sent it; two
    ///   clients that send the same string share their locks.
    public init(_ clientToken: String) {
        identity = .client(clientToken)
    }

    /// The "no token" identity of server-side code.
    public static let none = AccessToken(identity: .none)

    private static let nextLocal = Atomic<UInt64>(0)

    /// A fresh token, distinct from every other token and from every string a
    /// client can send.
    public static func unique() -> AccessToken {
        AccessToken(identity: .local(nextLocal.add(1, ordering: .relaxed).newValue))
    }

    /// The string a client sent, if this is a client token.
    public var clientToken: String? {
        if case .client(let token) = identity { return token }
        return nil
    }

    /// The token for logs: a client's string in quotes, or `<no token>`,
    /// or `<local token N>`.
    public var description: String {
        switch identity {
        case .none: return "<no token>"
        case .client(let token): return "\"\(token)\""
        case .local(let number): return "<local token \(number)>"
        }
    }
}
