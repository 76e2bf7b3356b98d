import GRPCCore
import NanoverCore
import SwiftProtobuf

/// The locks an `UpdateLocks` request asks for: keys to acquire or renew
/// with their durations in seconds, and keys to release.
struct LockRequest {
    var acquire: [String: Double] = [:]
    var release: Set<String> = []

    /// Reads `lock_keys`: a number means acquire for that many seconds, a
    /// null (or a value with no kind) means release.
    ///
    /// - Throws: `INVALID_ARGUMENT` naming the key, for any other value or NaN.
    init(lockKeys: Google_Protobuf_Struct) throws(RPCError) {
        for (key, value) in lockKeys.fields {
            switch value.kind {
            case .numberValue(let seconds):
                guard !seconds.isNaN else {
                    throw RPCError(
                        code: .invalidArgument,
                        message: "lock value for key \"\(key)\" is NaN; it must be a number of seconds or null")
                }
                acquire[key] = seconds
            case .nullValue, .none:
                release.insert(key)
            case .stringValue:
                throw Self.malformed(key, "a string")
            case .boolValue:
                throw Self.malformed(key, "a bool")
            case .listValue:
                throw Self.malformed(key, "a list")
            case .structValue:
                throw Self.malformed(key, "a struct")
            }
        }
    }

    private static func malformed(_ key: String, _ kind: String) -> RPCError {
        RPCError(
            code: .invalidArgument,
            message: "lock value for key \"\(key)\" is \(kind); it must be a number of seconds or null")
    }
}
