// NanoverValue, the value model both protocols share: kinds kept apart but numbers equal by value, the nesting limit, how gRPC and the 2026 protocol carry values, and the exact JSON form.

// snippet.hide
import NanoverCore
import NanoverGRPC
import NanoverWebSocket

// snippet.show
// snippet.model
let value: NanoverValue = ["count": 3, "ratio": 0.5, "tags": ["a", "b"], "note": nil, "blob": .binary([0xCA, 0xFE])]

// Integer literals are integers; numbers compare by value whatever their kind.
if case .int(let count)? = value["count"] {
    print(count)  // 3
}
print(value["count"] == .double(3))  // true, as in Python
print(NanoverValue.double(3).intValue!, NanoverValue.double(3.5).intValue as Any)  // 3 nil

// nil is a value: a key set to nil is set.
print(value["note"]!.isNull)  // true

// Lists and structs nest 32 deep at most.
var deep: NanoverValue = 0
for _ in 0..<33 { deep = [deep] }
var refusal: NanoverValueError?
do { try deep.validate() } catch { refusal = error }  // nestedTooDeeply(limit: 32)
// snippet.end
// snippet.hide
precondition(value["count"]?.intValue == 3 && value["ratio"] == 0.5)
precondition(value["tags"]?[1] == "b" && value["blob"]?.binaryValue == [0xCA, 0xFE])
precondition(NanoverValue.int(3) == .double(3) && NanoverValue.double(3.5).intValue == nil)
precondition(value["note"] == .null && value["missing"] == nil)
precondition(refusal == .nestedTooDeeply(limit: NanoverValue.maximumNestingDepth))
precondition(deep.nestingDepth() == 33)
// snippet.show

// snippet.protocols
// gRPC (google.protobuf.Value): numbers travel as doubles, binary as base64 text.
let overGRPC = try NanoverValue(protobuf: value.protobufValue())
print(overGRPC["count"]!, overGRPC["blob"]!)  // 3.0 "yv4="

// NanoVer 2026 (MessagePack): every kind comes back as it went.
let over2026 = try NanoverValue(messagePack: value.messagePackValue)
print(over2026["count"]!, over2026["blob"]!)  // 3 {"$binary":"yv4="}
// snippet.end
// snippet.hide
guard case .double(3)? = overGRPC["count"], case .string("yv4=")? = overGRPC["blob"] else { preconditionFailure() }
precondition(overGRPC["count"] == value["count"])  // equal by value, though its kind changed
guard case .int(3)? = over2026["count"], case .binary([0xCA, 0xFE])? = over2026["blob"], case .null? = over2026["note"] else {
    preconditionFailure()
}
precondition(over2026 == value)
// snippet.show

// snippet.json
// NanoverJSON: exact both ways.
let text = NanoverJSON.string(value)
print(text)  // {"blob":{"$binary":"yv4="},"count":3,"note":null,"ratio":0.5,"tags":["a","b"]}
let back = try NanoverJSON.value(from: text)  // the same kinds: count an integer, blob binary

print(NanoverJSON.string([3, 3.0, .double(.infinity)]))  // [3,3.0,"Infinity"]
let numbers = try NanoverJSON.value(from: #"[1e3, "NaN", 18446744073709551615]"#)  // a double, a double, a uint
// snippet.end
// snippet.hide
precondition(text == #"{"blob":{"$binary":"yv4="},"count":3,"note":null,"ratio":0.5,"tags":["a","b"]}"#)
guard case .structure(let fields) = back, case .int(3)? = fields["count"], case .binary([0xCA, 0xFE])? = fields["blob"] else {
    preconditionFailure()
}
precondition(back == value)
guard case .list(let list) = numbers, case .double(1000) = list[0], case .double(let nan) = list[1], nan.isNaN,
      case .uint(UInt64.max) = list[2] else {
    preconditionFailure()
}
precondition(NanoverJSON.string([3, 3.0, .double(.infinity)]) == #"[3,3.0,"Infinity"]"#)
// snippet.show
