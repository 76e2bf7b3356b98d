import NanoverCore

extension HubDescription {
    /// The names of the standard fields on the wire.
    enum Field {
        static let name = "name"
        static let address = "address"
        static let id = "id"
        static let essdVersion = "essd_version"
        static let services = "services"
        static let standard: Set<String> = [name, address, id, essdVersion, services]
    }

    /// The description as one datagram: UTF-8 JSON, an object with the
    /// standard fields and the extra ones.
    public var json: [UInt8] {
        var fields = extraFields
        fields[Field.name] = .string(name)
        fields[Field.address] = .string(address)
        if let id { fields[Field.id] = .string(id) }
        if let essdVersion { fields[Field.essdVersion] = .string(essdVersion) }
        fields[Field.services] = .structure(services.mapValues { .int(Int64($0)) })
        return Array(NanoverJSON.string(.structure(fields)).utf8)
    }

    /// The description a datagram holds.
    ///
    /// A description needs a string `name` and `address`; `id` and
    /// `essd_version`, when present, are strings; `services`, when present,
    /// maps names to ports (integers in 1...65535). Other fields are kept.
    ///
    /// - Throws: ``HubDescriptionError``: `tooLarge` for more than
    ///   ``ESSD/maximumMessageBytes`` bytes, `notJSON` or `invalid` for the
    ///   rest of what is not a description.
    public init(json bytes: some Collection<UInt8>) throws(HubDescriptionError) {
        guard bytes.count <= ESSD.maximumMessageBytes else {
            throw .tooLarge(bytes: bytes.count)
        }
        let value: NanoverValue
        do {
            value = try NanoverJSON.plainValue(fromUTF8: bytes)
        } catch {
            throw .notJSON(error.description)
        }
        guard case .structure(var fields) = value else {
            throw .invalid("not a JSON object")
        }
        let name = try Self.required(Field.name, in: &fields)
        let address = try Self.required(Field.address, in: &fields)
        let id = try Self.string(Field.id, in: &fields)
        let essdVersion = try Self.string(Field.essdVersion, in: &fields)
        let services = try Self.services(in: &fields)
        try self.init(
            checking: name, address: address, id: id, essdVersion: essdVersion,
            services: services, extraFields: fields)
    }

    /// Takes a string field out of `fields`, if it is there.
    private static func string(_ key: String, in fields: inout NanoverStruct) throws(HubDescriptionError) -> String? {
        switch fields.removeValue(forKey: key) {
        case .string(let string)?: string
        case nil: nil
        case let other?: throw .invalid("\"\(key)\" is \(other), not a string")
        }
    }

    /// Takes a string field that must be there out of `fields`.
    private static func required(_ key: String, in fields: inout NanoverStruct) throws(HubDescriptionError) -> String {
        guard let string = try string(key, in: &fields) else { throw .invalid("no \"\(key)\"") }
        return string
    }

    /// Takes the services out of `fields`: names to whole-number ports.
    private static func services(in fields: inout NanoverStruct) throws(HubDescriptionError) -> [String: Int] {
        guard let value = fields.removeValue(forKey: Field.services) else { return [:] }
        guard case .structure(let entries) = value else {
            throw .invalid("\"\(Field.services)\" is \(value), not an object")
        }
        var services: [String: Int] = [:]
        for (service, port) in entries {
            guard let number = port.intValue, ports.contains(number) else {
                throw .invalid("the port of service \"\(service)\" is \(port), not one of 1...65535")
            }
            services[service] = number
        }
        return services
    }
}
