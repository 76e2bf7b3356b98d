import Foundation
import Synchronization

/// The CPU time and peak resident memory of another process over a run,
/// read from /proc.
final class ProcessSampler: Sendable {
    struct Usage: Sendable {
        /// User plus system CPU time used during the run, in seconds.
        let cpuSeconds: Double
        /// Highest resident set size seen during the run, in bytes.
        let peakRSSBytes: Int
        let startRSSBytes: Int
    }

    let pid: Int32
    private let startCPU: Double
    private let startRSS: Int
    private let peakRSS: Mutex<Int>

    init(pid: Int32) throws {
        self.pid = pid
        startCPU = try Self.cpuSeconds(of: pid)
        startRSS = try Self.residentBytes(of: pid)
        peakRSS = Mutex(startRSS)
    }

    /// Samples resident memory every 50 ms until cancelled.
    func sample() async {
        while !Task.isCancelled {
            if let rss = try? Self.residentBytes(of: pid) {
                peakRSS.withLock { $0 = Swift.max($0, rss) }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    func finish() throws -> Usage {
        let rss = try Self.residentBytes(of: pid)
        let peak = peakRSS.withLock { Swift.max($0, rss) }
        return Usage(cpuSeconds: try Self.cpuSeconds(of: pid) - startCPU, peakRSSBytes: peak, startRSSBytes: startRSS)
    }

    static func residentBytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) })
        else {
            throw BenchError("cannot read the memory of process \(pid)")
        }
        return kilobytes * 1024
    }

    static func cpuSeconds(of pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name, which is in parentheses and may hold spaces.
        guard let close = stat.lastIndex(of: ")") else {
            throw BenchError("cannot read the CPU time of process \(pid)")
        }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchError("cannot read the CPU time of process \(pid)")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
