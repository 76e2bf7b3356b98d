import Foundation
import NanoverCore

/// One scenario's figures: printed as a table row, or as a JSON object.
struct Report: Sendable {
    var scenario: String
    var target: String
    /// Named figures in print order.
    var figures: [(name: String, value: Double, unit: String)] = []
    var notes: [String] = []

    mutating func add(_ name: String, _ value: Double, _ unit: String = "") {
        figures.append((name, value, unit))
    }

    subscript(name: String) -> Double? {
        figures.first { $0.name == name }?.value
    }

    mutating func add(usage: RunUsage, duration: Duration) {
        add("load_cpu_share", usage.loadGeneratorCPUSeconds / duration.seconds, "cores")
        guard let usage = usage.server else { return }
        add("server_cpu_s", usage.cpuSeconds, "s")
        add("server_cpu_share", usage.cpuSeconds / duration.seconds, "cores")
        add("server_peak_rss_mib", Double(usage.peakRSSBytes) / 1_048_576, "MiB")
    }

    var line: String {
        let values = figures.map { "\($0.name)=\(Self.format($0.value))\($0.unit.isEmpty || $0.unit == "cores" ? "" : $0.unit)" }
        return ([String(scenario.padding(toLength: 18, withPad: " ", startingAt: 0)), target] + values + notes).joined(separator: "  ")
    }

    var json: String {
        var fields: NanoverStruct = ["scenario": .string(scenario), "target": .string(target)]
        for figure in figures {
            fields[figure.name] = .double(figure.value)
        }
        if !notes.isEmpty {
            fields["notes"] = .list(notes.map(NanoverValue.string))
        }
        return NanoverJSON.string(.structure(fields))
    }

    func print(json: Bool) {
        Swift.print(json ? self.json : line)
        fflush(nil)
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "n/a" }
        if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
        return String(format: abs(value) >= 100 ? "%.0f" : abs(value) >= 10 ? "%.1f" : "%.2f", value)
    }
}
