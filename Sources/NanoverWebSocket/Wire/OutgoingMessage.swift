import NanoverCore
import NanoverMessagePack

/// The messages of the 2026 protocol, as bytes: one message type each.
/// A hub sends state, frames, replies and requests to a client's commands;
/// a client sends state, frames, requests, registrations and replies.
public enum OutgoingMessage {
    /// `{"state": {"updates": ..., "removals": [...]}}`, both fields always
    /// present; keys sorted, so equal changes give equal bytes.
    public static func state(_ change: StateChange) -> [UInt8] {
        let updates = change.updates.sorted { $0.key < $1.key }.map { MessagePackStateEntry.encode(key: $0.key, value: $0.value) }
        let removals = change.removals.sorted().map { MessagePackStateEntry.encode(key: $0, value: nil) }
        return state(entries: updates + removals)
    }

    /// `{"frame": {...}}` for a frame with its index.
    public static func frame(index: UInt32, _ frame: Frame) -> [UInt8] {
        envelope("frame", .map(frame.messagePackFields(index: index)))
    }

    /// The reply to a request: the request echoed, and the result (nil for
    /// none).
    public static func response(echo request: MessagePackValue, result: NanoverStruct?) -> [UInt8] {
        envelope("command", .map([(.string("request"), request), (.string("response"), result.map { NanoverValue.structure($0).messagePackValue } ?? .nil)]))
    }

    /// The reply to a request that failed: the request echoed, and why.
    public static func exception(echo request: MessagePackValue, message: String) -> [UInt8] {
        envelope("command", .map([(.string("request"), request), (.string("exception"), .string(message))]))
    }

    /// A request the hub sends a client to run a command it registered.
    public static func request(name: String, arguments: NanoverStruct, id: Int64) -> [UInt8] {
        envelope("command", .map([(.string("request"), requestMap(name: name, arguments: arguments, id: id))]))
    }

    /// A client's registration of a command that runs on it: its name,
    /// default arguments, and the label and icon when given.
    public static func register(name: String, defaultArguments: NanoverStruct, label: String?, icon: String?) -> [UInt8] {
        var fields: [(MessagePackValue, MessagePackValue)] = [
            (.string("name"), .string(name)), (.string("arguments"), NanoverValue.structure(defaultArguments).messagePackValue),
        ]
        if let label { fields.append((.string("label"), .string(label))) }
        if let icon { fields.append((.string("icon"), .string(icon))) }
        return envelope("command", .map([(.string("register"), .map(fields))]))
    }

    /// The request map: name, arguments, id.
    public static func requestMap(name: String, arguments: NanoverStruct, id: Int64) -> MessagePackValue {
        .map([(.string("name"), .string(name)), (.string("arguments"), NanoverValue.structure(arguments).messagePackValue), (.string("id"), .int(id))])
    }

    private static func envelope(_ type: String, _ body: MessagePackValue) -> [UInt8] {
        MessagePackWriter.bytes(.map([(.string(type), body)]))
    }
}
