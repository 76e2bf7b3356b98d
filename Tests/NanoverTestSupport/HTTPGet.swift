import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP GET's status and body, for tests of the hub's metrics port.
public func httpGet(_ url: String) async throws -> (status: Int, body: String) {
    let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
}

/// The samples of a Prometheus text exposition: each line `name{labels}
/// value` (comments skipped) as the name with its labels, to its value.
public func prometheusSamples(_ text: String) -> [String: Double] {
    var samples: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
        samples[String(line[..<space])] = value
    }
    return samples
}
