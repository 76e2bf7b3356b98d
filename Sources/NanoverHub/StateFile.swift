import Foundation
import NanoverCore

/// Why a state file could not be read or written.
public struct StateFileError: Error, CustomStringConvertible {
    /// The state file's path.
    public let path: String
    /// What went wrong, e.g. `is not a JSON object`.
    public let reason: String

    public var description: String {
        "state file \(path): \(reason)"
    }
}

/// The shared state on disk, as one JSON object of the values the state holds,
/// in ``/NanoverCore/NanoverJSON``'s exact form (integers, doubles, binary and
/// nil all read back as they were).
public struct StateFile: Sendable {
    /// Where the file is, or will be once first written.
    public let path: String

    /// The state file at `path`; nothing is read or written yet.
    public init(path: String) {
        self.path = path
    }

    /// The saved state, or nil when there is no file yet.
    ///
    /// - Throws: ``StateFileError`` when the file exists but cannot be read
    ///   or is not a JSON object; the file is left as it is.
    public func load() throws -> NanoverStruct? {
        guard FileManager.default.fileExists(atPath: path) else {
            return nil
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StateFileError(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
        do {
            let value = try NanoverJSON.value(fromUTF8: data)
            guard let state = value.structValue else {
                throw StateFileError(path: path, reason: "is not a JSON object")
            }
            return state
        } catch let error as StateFileError {
            throw error
        } catch {
            throw StateFileError(path: path, reason: "is not a JSON object of state values (\(error))")
        }
    }

    /// Writes the state atomically: to a temporary file beside the target,
    /// then renamed over it, so a crash never leaves half a file.
    ///
    /// - Throws: ``StateFileError`` when the file cannot be written or
    ///   replaced; the old file, if any, is left as it was.
    public func save(_ state: NanoverStruct) throws {
        let data = Data(NanoverJSON.string(.structure(state), pretty: true).utf8)
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temporary)
            if rename(temporary.path, target.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw StateFileError(path: path, reason: "cannot be replaced (\(reason))")
            }
        } catch let error as StateFileError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw StateFileError(path: path, reason: "cannot be written (\(error.localizedDescription))")
        }
    }
}
