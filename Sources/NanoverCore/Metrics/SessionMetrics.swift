import Metrics

/// What a session counts as it works, through swift-metrics: the program
/// that embeds the library picks the backend (`MetricsSystem.bootstrap`,
/// before the first session starts; `nanover-server --metrics-port` uses
/// Prometheus). Names and labels follow Prometheus conventions.
///
/// Each metric is made once, on first use, so that counting costs the hot
/// paths one call into the backend and no lookup.
package enum SessionMetrics {
    /// `nanover_state_changes_total{outcome}`: changes applied and refused
    /// (locked, over a limit, invalid).
    package static let stateChangesApplied = Counter(label: "nanover_state_changes_total", dimensions: [("outcome", "applied")])
    package static let stateChangesRefused = Counter(label: "nanover_state_changes_total", dimensions: [("outcome", "refused")])
    /// `nanover_lock_requests_total{outcome}`.
    package static let lockRequestsApplied = Counter(label: "nanover_lock_requests_total", dimensions: [("outcome", "applied")])
    package static let lockRequestsRefused = Counter(label: "nanover_lock_requests_total", dimensions: [("outcome", "refused")])
    /// `nanover_frames_published_total`.
    package static let framesPublished = Counter(label: "nanover_frames_published_total")
    /// `nanover_frames_delivered_total`: frames handed to subscribers of
    /// any protocol.
    package static let framesDelivered = Counter(label: "nanover_frames_delivered_total")
    /// `nanover_frame_subscribers_cut_off_total`: every-frame subscribers
    /// ended for falling too far behind.
    package static let frameSubscribersCutOff = Counter(label: "nanover_frame_subscribers_cut_off_total")
    /// `nanover_command_calls_total{command}` for names that are not
    /// registered, under one label value so that callers cannot grow the
    /// label set.
    package static let unknownCommandCalls = Counter(label: "nanover_command_calls_total", dimensions: [("command", "(unknown)")])
    /// `nanover_bytes_sent_total{protocol}`: the bytes of the state and
    /// frame messages streamed to subscribers (without the transport's
    /// framing), per protocol adapter.
    package static let grpcBytesSent = Counter(label: "nanover_bytes_sent_total", dimensions: [("protocol", "grpc")])
    package static let webSocketBytesSent = Counter(label: "nanover_bytes_sent_total", dimensions: [("protocol", "websocket")])

    /// Runs a state or lock request, counting it as applied or refused; a
    /// request to a closed engine counts as neither.
    static func counting(applied: Counter, refused: Counter, _ body: () throws(StateError) -> Void) throws(StateError) {
        do {
            try body()
            applied.increment()
        } catch {
            if error != .closed { refused.increment() }
            throw error
        }
    }

    /// Makes every metric above now, so that a scrape lists each from the
    /// start, at zero, rather than from its first event.
    package static func makeAll() {
        _ = [
            stateChangesApplied, stateChangesRefused, lockRequestsApplied, lockRequestsRefused, framesPublished,
            framesDelivered, frameSubscribersCutOff, unknownCommandCalls, grpcBytesSent, webSocketBytesSent,
        ]
    }
}

/// One command's metrics, made when it is registered.
package struct CommandMetrics: Sendable {
    /// `nanover_command_calls_total{command}`.
    let calls: Counter
    /// `nanover_command_failures_total{command}`: calls that threw.
    let failures: Counter
    /// `nanover_command_duration_seconds{command}`.
    let duration: Timer

    init(name: String) {
        calls = Counter(label: "nanover_command_calls_total", dimensions: [("command", name)])
        failures = Counter(label: "nanover_command_failures_total", dimensions: [("command", name)])
        duration = Timer(label: "nanover_command_duration_seconds", dimensions: [("command", name)], preferredDisplayUnit: .seconds)
    }
}
