import Foundation

/// A pair of network namespaces joined by a veth pair, made by a test and
/// removed by it: the only place where discovery may broadcast. Their
/// addresses are from 192.0.2.0/24, a range set aside for documentation
/// and tests, and exist only inside the two namespaces.
final class NamespacePair: Sendable {
    /// The `ip` program, where the system has one.
    static let ip: URL? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
        .map(URL.init(fileURLWithPath:))

    /// Whether this machine lets a test make network namespaces (it takes
    /// root, the `ip` program and a kernel that allows it): found by making
    /// one and removing it.
    static let available: Bool = {
        guard getuid() == 0, ip != nil else { return false }
        let probe = "nanover-probe-\(getpid())"
        guard (try? ipCommand(["netns", "add", probe])) == 0 else { return false }
        return (try? ipCommand(["netns", "delete", probe])) == 0
    }()

    let hubSide: String
    let clientSide: String
    static let hubAddress = "192.0.2.1"
    static let clientAddress = "192.0.2.2"

    /// Makes the two namespaces, the veth pair between them, and their
    /// addresses (with broadcast addresses, as a network's DHCP would give).
    init() throws {
        let tag = "\(getpid())-\(UInt16.random(in: .min ... .max))"
        hubSide = "nanover-hub-\(tag)"
        clientSide = "nanover-client-\(tag)"
        let hubLink = "nvh\(tag.suffix(11))", clientLink = "nvc\(tag.suffix(11))"
        let steps: [[String]] = [
            ["netns", "add", hubSide],
            ["netns", "add", clientSide],
            ["link", "add", hubLink, "netns", hubSide, "type", "veth", "peer", "name", clientLink, "netns", clientSide],
            ["-n", hubSide, "address", "add", "\(Self.hubAddress)/24", "broadcast", "+", "dev", hubLink],
            ["-n", clientSide, "address", "add", "\(Self.clientAddress)/24", "broadcast", "+", "dev", clientLink],
            ["-n", hubSide, "link", "set", "lo", "up"],
            ["-n", clientSide, "link", "set", "lo", "up"],
            ["-n", hubSide, "link", "set", hubLink, "up"],
            ["-n", clientSide, "link", "set", clientLink, "up"],
        ]
        for step in steps {
            let status = try Self.ipCommand(step)
            if status != 0 {
                remove()
                throw ProgramError(message: "ip \(step.joined(separator: " ")) failed with status \(status)")
            }
        }
    }

    /// The arguments that run `program` with `arguments` inside `namespace`.
    func inside(_ namespace: String, _ program: URL, _ arguments: [String]) -> [String] {
        ["netns", "exec", namespace, program.path] + arguments
    }

    /// Removes both namespaces (and with them the veth pair).
    func remove() {
        _ = try? Self.ipCommand(["netns", "delete", hubSide])
        _ = try? Self.ipCommand(["netns", "delete", clientSide])
    }

    /// The names of the namespaces the system has now.
    static func names() throws -> [String] {
        let process = Process()
        process.executableURL = ip
        process.arguments = ["netns", "list"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    @discardableResult
    static func ipCommand(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = ip
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
