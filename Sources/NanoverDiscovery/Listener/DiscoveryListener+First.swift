extension DiscoveryListener {
    /// Listens on `port` for up to `duration` and returns the first hub
    /// heard that is named `name` (exactly) and offers `service`, either
    /// left nil to accept any; nil when none was heard in time.
    ///
    /// With neither, the first hub heard; the reference's gRPC client asks
    /// for the first offering `trajectory`, and a NanoVer 2026 client the
    /// first offering `ws` (see ``DiscoveredHub/webSocketURL``).
    public static func firstHub(
        named name: String? = nil,
        offering service: String? = nil,
        within duration: Duration = .seconds(2),
        port: Int = ESSD.port
    ) async throws -> DiscoveredHub? {
        let listener = try await start(port: port)
        let found = await listener.firstHub(named: name, offering: service, within: duration)
        await listener.close()
        return found
    }

    /// The first hub heard from now on, on this listener, that is named
    /// `name` and offers `service` (either nil to accept any), within
    /// `duration`; nil when none was.
    public func firstHub(named name: String? = nil, offering service: String? = nil, within duration: Duration) async -> DiscoveredHub? {
        for await hub in hubs(within: duration) {
            if let name, hub.name != name { continue }
            if let service, hub.services[service] == nil { continue }
            return hub
        }
        return nil
    }
}
