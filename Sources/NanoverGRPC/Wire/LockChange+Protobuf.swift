import GRPCCore
import NanoverCore
import SwiftProtobuf

/// The gRPC protocol's form of lock changes: `lock_keys`, a `Struct` whose
/// values are seconds to acquire or renew for (a number), or a release
/// (null).
extension LockChange {
    /// The change a `lock_keys` value asks for.
    ///
    /// - Throws: `INVALID_ARGUMENT` naming the key, for NaN or anything but
    ///   a number or null.
    init(protobuf value: Google_Protobuf_Value, key: String) throws(RPCError) {
        switch value.kind {
        case .numberValue(let seconds):
            guard !seconds.isNaN else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "lock value for key \"\(key)\" is NaN; it must be a number of seconds or null")
            }
            self = .acquiring(seconds: seconds)
        case .nullValue, .none:
            self = .release
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

    /// Every change a `lock_keys` struct asks for, by key.
    static func changes(protobuf lockKeys: Google_Protobuf_Struct) throws(RPCError) -> [String: LockChange] {
        var changes = [String: LockChange](minimumCapacity: lockKeys.fields.count)
        for (key, value) in lockKeys.fields {
            changes[key] = try LockChange(protobuf: value, key: key)
        }
        return changes
    }

    /// The `lock_keys` value asking for this change.
    var protobufValue: Google_Protobuf_Value {
        switch self {
        case .acquire(let duration):
            return Google_Protobuf_Value(numberValue: duration.inSeconds)
        case .acquireIndefinitely:
            return Google_Protobuf_Value(numberValue: .infinity)
        case .release:
            var value = Google_Protobuf_Value()
            value.kind = .nullValue(.nullValue)
            return value
        }
    }

    private static func malformed(_ key: String, _ kind: String) -> RPCError {
        RPCError(
            code: .invalidArgument,
            message: "lock value for key \"\(key)\" is \(kind); it must be a number of seconds or null")
    }
}
