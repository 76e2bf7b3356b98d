import Logging
import NIOCore
import NanoverCore
import Synchronization

/// The users of a gRPC server's connections, so that what a user left in
/// the state goes when its HTTP/2 connection ends, as it does for a 2026
/// client (see ``NanoverServer/Configuration/removesDepartedUsers``).
///
/// A connection is known by its peer, the transport's description of its
/// remote address, which every call on it carries; the transport tells us
/// of each accepted connection and we watch for its end. A server that is
/// closing removes nothing: the hub stopping is not its users leaving.
final class ConnectionUsers: Sendable {
    private struct Entry {
        let channel: ObjectIdentifier
        let user: ConnectionUser
    }

    private let engine: StateEngine
    private let logger: Logger
    private let state = Mutex((byPeer: [String: Entry](), closing: false))

    init(engine: StateEngine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    /// Watches a connection the transport accepted until it ends.
    func accepted(_ channel: any Channel) -> EventLoopFuture<Void> {
        if let peer = Self.peer(of: channel.remoteAddress) {
            let entry = Entry(channel: ObjectIdentifier(channel), user: ConnectionUser())
            state.withLock { $0.byPeer[peer] = entry }
            channel.closeFuture.whenComplete { [self] _ in
                ended(peer: peer, entry: entry)
            }
        }
        return channel.eventLoop.makeSucceededVoidFuture()
    }

    /// Learns who the connection of a call is from a change it applied.
    func applied(_ change: StateChange, peer: String) {
        state.withLock { $0.byPeer[peer] }?.user.learn(from: change)
    }

    /// From now on, connections that end leave their keys.
    func beginClosing() {
        state.withLock { $0.closing = true }
    }

    private func ended(peer: String, entry: Entry) {
        let closing = state.withLock { state in
            if state.byPeer[peer]?.channel == entry.channel {
                state.byPeer[peer] = nil
            }
            return state.closing
        }
        guard !closing else { return }
        do {
            let removed = try entry.user.removeKeys(from: engine)
            if !removed.isEmpty {
                logger.debug("removed a departed user's keys", metadata: ["user": "\(entry.user.userID ?? "")", "keys": "\(removed.count)"])
            }
        } catch {
            logger.debug("could not remove a departed user's keys", metadata: ["user": "\(entry.user.userID ?? "")", "error": "\(error)"])
        }
    }

    /// A remote address as the transport describes a call's peer
    /// (`ServerContext.remotePeer`); nil for Unix sockets, whose
    /// connections all share one description.
    static func peer(of address: SocketAddress?) -> String? {
        switch address {
        case .v4(let ipv4)?: "ipv4:\(ipv4.host):\(address?.port ?? 0)"
        case .v6(let ipv6)?: "ipv6:[\(ipv6.host)]:\(address?.port ?? 0)"
        default: nil
        }
    }
}
