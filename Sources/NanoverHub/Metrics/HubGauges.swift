import Metrics
import NanoverCore
import NanoverGRPC
import NanoverWebSocket

/// The gauges of a running hub, read off it when it is scraped rather than
/// kept up to date on every change: how much it holds and who is on it.
///
/// `nanover_state_keys`, `nanover_state_bytes`, `nanover_locks_held`,
/// `nanover_subscriptions{kind="state"|"frames"}` and
/// `nanover_connections{protocol="grpc"|"websocket"}`.
public struct HubGauges: Sendable {
    private let stateKeys = Gauge(label: "nanover_state_keys")
    private let stateBytes = Gauge(label: "nanover_state_bytes")
    private let locksHeld = Gauge(label: "nanover_locks_held")
    private let stateSubscriptions = Gauge(label: "nanover_subscriptions", dimensions: [("kind", "state")])
    private let frameSubscriptions = Gauge(label: "nanover_subscriptions", dimensions: [("kind", "frames")])
    private let grpcConnections = Gauge(label: "nanover_connections", dimensions: [("protocol", "grpc")])
    private let webSocketConnections = Gauge(label: "nanover_connections", dimensions: [("protocol", "websocket")])

    /// Makes the gauges, and the session's counters, so that a scrape lists
    /// every metric from the start: after `MetricsSystem.bootstrap`.
    public init() {
        SessionMetrics.makeAll()
    }

    /// Sets every gauge from the hub as it is now.
    public func sample(session: NanoverSession, server: NanoverServer, webSocket: NanoverWebSocketServer?) {
        stateKeys.record(session.state.keyCount)
        stateBytes.record(session.state.byteCount)
        locksHeld.record(session.state.heldLocks().count)
        stateSubscriptions.record(session.state.subscriptionCount)
        frameSubscriptions.record(session.frames.subscriptionCount)
        grpcConnections.record(server.connectionCount)
        webSocketConnections.record(webSocket?.connectionCount ?? 0)
    }
}
