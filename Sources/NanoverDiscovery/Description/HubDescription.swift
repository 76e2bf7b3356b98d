import Foundation
import NanoverCore

/// What a hub says about itself in discovery: a name for people, an address
/// for clients, an id to tell hubs apart, and the ports of its services.
///
/// A description is checked when it is made: one whose JSON form would
/// exceed ``ESSD/maximumMessageBytes`` is refused, so that whatever is
/// built can be sent. Fields other than the standard ones travel in
/// ``extraFields`` and are kept both ways (the reference adds `port`).
///
/// ```swift
/// let hub = try HubDescription(name: "Lab session", address: "[::]",
///                              services: ["multiplayer": 38801, "trajectory": 38801, "imd": 38801])
/// let bytes = hub.json                        // one datagram's worth
/// let heard = try HubDescription(json: bytes) // the same description
/// ```
public struct HubDescription: Sendable, Hashable {
    /// A human name for the session.
    public let name: String
    /// Where clients connect: an IP address or a host name. A hub that
    /// listens on every interface says `[::]` or `0.0.0.0` here, and the
    /// sender puts each interface's own address in its place.
    public let address: String
    /// The hub's id, chosen once per hub: listeners use it to tell hubs
    /// apart and to drop repeats. Nil only in a description heard without
    /// one.
    public let id: String?
    /// The ESSD version the description follows: ``ESSD/version`` for ours;
    /// nil in a description heard without one.
    public let essdVersion: String?
    /// Each service's port, by service name: `multiplayer`, `trajectory`
    /// and `imd` for a gRPC-era hub, `ws` (`wss`, `https`) for a 2026 one.
    public let services: [String: Int]
    /// Every other field, kept as it came.
    public let extraFields: NanoverStruct

    /// A description to advertise: a fresh id (a lowercase UUID) unless one
    /// is given, and the current ESSD version.
    ///
    /// - Throws: ``HubDescriptionError`` for a port outside 1...65535, an
    ///   extra field that reuses a standard field's name, or a description
    ///   whose JSON exceeds ``ESSD/maximumMessageBytes``.
    public init(
        name: String,
        address: String,
        id: String = UUID().uuidString.lowercased(),
        services: [String: Int] = [:],
        extraFields: NanoverStruct = [:]
    ) throws(HubDescriptionError) {
        try self.init(checking: name, address: address, id: id, essdVersion: ESSD.version, services: services, extraFields: extraFields)
    }

    init(
        checking name: String, address: String, id: String?, essdVersion: String?,
        services: [String: Int], extraFields: NanoverStruct
    ) throws(HubDescriptionError) {
        if let (service, port) = services.first(where: { !Self.ports.contains($0.value) }) {
            throw .invalid("the port of service \"\(service)\" is \(port), not one of 1...65535")
        }
        if let field = extraFields.keys.first(where: Field.standard.contains) {
            throw .invalid("the extra field \"\(field)\" is a standard field")
        }
        self.name = name
        self.address = address
        self.id = id
        self.essdVersion = essdVersion
        self.services = services
        self.extraFields = extraFields
        let size = json.count
        if size > ESSD.maximumMessageBytes {
            throw .tooLarge(bytes: size)
        }
    }

    /// The ports a service may have.
    static let ports = 1...65535

    /// The same description with another address, as sent on one interface
    /// by a hub that listens on every interface.
    ///
    /// - Throws: ``HubDescriptionError/tooLarge(bytes:)`` when the longer
    ///   address takes the description past the limit.
    public func with(address: String) throws(HubDescriptionError) -> HubDescription {
        try HubDescription(checking: name, address: address, id: id, essdVersion: essdVersion, services: services, extraFields: extraFields)
    }

    /// What tells this hub apart from others: its id, or for a description
    /// heard without one, its name and address.
    public var identity: String {
        id ?? "\(name)\u{0}\(address)"
    }

    /// Whether the address means every interface of the hub's machine
    /// (`[::]`, `::`, `0.0.0.0`), which a client cannot connect to.
    public var listensEverywhere: Bool {
        Self.everywhere.contains(address)
    }

    static let everywhere: Set<String> = ["[::]", "::", "0.0.0.0", ""]
}
