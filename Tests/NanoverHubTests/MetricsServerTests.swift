import Logging
import NanoverHub
import NanoverTestSupport
import Testing

@Suite("The metrics port")
struct MetricsServerTests {
    @Test("/metrics answers the metrics text, /health 200 while serving and 503 once shutting down, anything else 404")
    func answers() async throws {
        let health = HubHealth()
        let server = try await MetricsServer.start(address: "127.0.0.1", port: 0, health: health, logger: Logger(label: "test")) {
            Array("nanover_state_keys 3\n".utf8)
        }
        let base = "http://127.0.0.1:\(server.port)"
        let metrics = try await httpGet(base + "/metrics")
        #expect(metrics.status == 200)
        #expect(prometheusSamples(metrics.body) == ["nanover_state_keys": 3])
        #expect(try await httpGet(base + "/health").status == 200)
        #expect(try await httpGet(base + "/other").status == 404)
        health.beginShuttingDown()
        let unhealthy = try await httpGet(base + "/health")
        #expect(unhealthy.status == 503 && unhealthy.body == "shutting down\n")
        await server.close()
    }
}
