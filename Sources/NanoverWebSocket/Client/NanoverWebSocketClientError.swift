/// Why a 2026 client could not connect, or a call or stream of it failed.
public enum NanoverWebSocketClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL is not `ws://HOST:PORT`.
    case badURL(String, reason: String)
    /// No connection: refused, no such host, or no answer in time.
    case cannotConnect(String, reason: String)
    /// A connection, but no WebSocket: the server there did not accept the
    /// upgrade (it is not a 2026 NanoVer server, or not one on that port).
    case upgradeFailed(String, reason: String)
    /// This client was closed: calls made since, or in flight then, fail.
    case closed
    /// The server closed the connection, with this close code (nil when
    /// it gave none) and reason.
    case closedByServer(code: UInt16?, reason: String)
    /// The connection ended without a close from either side.
    case connectionLost(reason: String)
    /// The server sent something that is not a 2026 message; the client
    /// closed the connection with code 1003.
    case badMessage(String)
    /// The command failed on the server: its `exception`, such as an
    /// unknown command's.
    case commandFailed(name: String, message: String)
    /// No reply within the configured time.
    case timedOut(String)

    /// The error in words, with the URL, code or command it concerns: what
    /// `nanover --url` prints.
    public var description: String {
        switch self {
        case .badURL(let url, let reason): return "bad NanoVer 2026 URL \"\(url)\": \(reason)"
        case .cannotConnect(let url, let reason): return "cannot connect to \(url): \(reason)"
        case .upgradeFailed(let url, let reason): return "\(url) did not accept a WebSocket connection: \(reason)"
        case .closed: return "the client is closed"
        case .closedByServer(let code, let reason):
            let said = reason.isEmpty ? "" : ": \(reason)"
            return "the server closed the connection (code \(code.map(String.init) ?? "none"))\(said)"
        case .connectionLost(let reason): return "lost the connection to the server: \(reason)"
        case .badMessage(let what): return "the server sent a message that is not NanoVer 2026: \(what)"
        case .commandFailed(let name, let message): return "command \"\(name)\" failed: \(message)"
        case .timedOut(let what): return "timed out: \(what)"
        }
    }

    /// Whether this ends a client's streams normally rather than with an
    /// error: its own close, or the server's normal close (code 1000).
    var isNormalEnding: Bool {
        switch self {
        case .closed: return true
        case .closedByServer(let code, _): return code == 1000
        default: return false
        }
    }
}
