// Serve a hub's metrics and its health over HTTP, through the metrics backend the program chose.

// snippet.hide
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Metrics
import NanoverCore
import NanoverGRPC
import NanoverHub
import Synchronization

/// The status and body of `GET url`, over HTTP/1.1.
func httpGet(_ url: String) async throws -> (status: Int, body: String) {
    let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
}

/// A small metrics backend that keeps each counter's and gauge's value and
/// writes them one a line, as Prometheus's text format does (without its
/// type lines and histograms). `nanover-server` uses swift-prometheus.
final class TextMetrics: MetricsFactory, Sendable {
    final class Value: CounterHandler, RecorderHandler, TimerHandler, Sendable {
        let number = Mutex<Double>(0)
        func increment(by amount: Int64) { number.withLock { $0 += Double(amount) } }
        func reset() { number.withLock { $0 = 0 } }
        func record(_ value: Int64) { number.withLock { $0 = Double(value) } }
        func record(_ value: Double) { number.withLock { $0 = value } }
        func recordNanoseconds(_ duration: Int64) {}
    }
    private let values = Mutex<[String: Value]>([:])

    private func value(_ label: String, _ dimensions: [(String, String)]) -> Value {
        let labels = dimensions.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",")
        let name = labels.isEmpty ? label : "\(label){\(labels)}"
        return values.withLock { values in
            if let value = values[name] { return value }
            let value = Value()
            values[name] = value
            return value
        }
    }
    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { value(label, dimensions) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { value(label, dimensions) }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { value(label, dimensions) }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    /// Every metric, `name{labels} value`, one a line.
    func emitToBuffer() -> [UInt8] {
        let lines = values.withLock { values in
            values.map { name, value in "\(name) \(value.number.withLock { Int64($0) })" }.sorted()
        }
        return Array(lines.joined(separator: "\n").utf8)
    }
}

// snippet.show
// snippet.backend
// The program picks the backend, before the first session starts
// (nanover-server: swift-prometheus's PrometheusMetricsFactory).
let registry = TextMetrics()          // a small text backend, defined in this example
MetricsSystem.bootstrap(registry)
let gauges = HubGauges()                // makes every metric, so that a scrape lists them all

let session = NanoverSession(clock: EventLoopClock())
let server = try await NanoverServer.start(serving: session, address: "127.0.0.1", port: 0)
try session.state.update(StateChange(updates: ["scene.title": "Water"]))
// snippet.end

// snippet.serve
let health = HubHealth()
let metrics = try await MetricsServer.start(address: "127.0.0.1", port: 0, health: health, logger: Logger(label: "hub")) {
    gauges.sample(session: session, server: server, webSocket: nil)   // the gauges are read off the hub per scrape
    return registry.emitToBuffer()     // the backend's text; nanover-server's is Prometheus's
}
let scrape = try await httpGet("http://127.0.0.1:\(metrics.port)/metrics")
print(scrape.body.split(separator: "\n").filter { $0.hasPrefix("nanover_state") })
// ["nanover_state_changes_total{outcome=\"applied\"} 1", "nanover_state_keys 1", ...]

let serving = try await httpGet("http://127.0.0.1:\(metrics.port)/health")
health.beginShuttingDown()
let stopping = try await httpGet("http://127.0.0.1:\(metrics.port)/health")
print(serving.status, stopping.status)  // 200 503: serving, then shutting down
// snippet.end
// snippet.hide
precondition(scrape.status == 200)
precondition(scrape.body.contains("nanover_state_changes_total{outcome=\"applied\"} 1"), scrape.body)
precondition(scrape.body.contains("nanover_state_keys 1"), scrape.body)
precondition(scrape.body.contains("nanover_connections{protocol=\"grpc\"} 0"), scrape.body)
precondition(serving.status == 200 && stopping.status == 503)
// snippet.show

await metrics.close()
await server.close()
session.close()
