import NanoverDiscovery

extension NanoverClient {
    /// A client of the first hub heard on the local network (ESSD, see
    /// ``/NanoverDiscovery/DiscoveryListener``): the first named `name` if one
    /// is given, else the first offering `trajectory`, as the reference client
    /// picks.
    ///
    /// ```swift
    /// let client = try await NanoverClient.discover(named: "Lab session")
    /// ```
    ///
    /// It connects to the hub's `trajectory` port (or `multiplayer`, or
    /// `imd`: a gRPC-era hub lists all three on its one port).
    ///
    /// - Parameters:
    ///   - name: the hub's name, matched exactly; nil takes the first hub
    ///     offering `trajectory`.
    ///   - duration: how long to listen before giving up.
    ///   - discoveryPort: the UDP port hubs advertise to, ESSD's 54545 unless
    ///     a test says otherwise.
    ///   - configuration: the client's settings.
    /// - Throws: ``/NanoverDiscovery/DiscoveryError/noHubFound(name:seconds:)``
    ///   when no such hub was heard,
    ///   ``/NanoverDiscovery/DiscoveryError/serviceMissing(hub:wanted:)`` for a
    ///   hub of that name that offers no gRPC service (a NanoVer 2026-only
    ///   hub), or the system's error when the port cannot be listened on.
    public static func discover(
        named name: String? = nil,
        within duration: Duration = .seconds(2),
        discoveryPort: Int = ESSD.port,
        configuration: Configuration = Configuration()
    ) async throws -> NanoverClient {
        let offering = name == nil ? "trajectory" : nil
        guard let hub = try await DiscoveryListener.firstHub(named: name, offering: offering, within: duration, port: discoveryPort) else {
            throw DiscoveryError.noHubFound(name: name, seconds: duration.inSeconds)
        }
        return try NanoverClient(discovered: hub, configuration: configuration)
    }

    /// A client of a hub found by discovery, connected to its gRPC port.
    ///
    /// - Throws:
    ///   ``/NanoverDiscovery/DiscoveryError/serviceMissing(hub:wanted:)`` for a
    ///   hub that offers no gRPC service.
    public convenience init(discovered hub: DiscoveredHub, configuration: Configuration = Configuration()) throws {
        guard let endpoint = ["trajectory", "multiplayer", "imd"].lazy.compactMap(hub.endpoint(of:)).first else {
            throw DiscoveryError.serviceMissing(hub: hub.name, wanted: ESSD.grpcServices)
        }
        try self.init(address: endpoint.host, port: endpoint.port, configuration: configuration)
    }
}
