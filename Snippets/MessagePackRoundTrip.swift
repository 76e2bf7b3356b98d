// Write a MessagePack value and read it back exactly; the strict reader refuses bytes that are not one whole, valid value.

// snippet.hide
import NanoverMessagePack

// snippet.show
// snippet.roundtrip
let value: MessagePackValue = .map([
    (.string("count"), .int(-3)),
    (.string("ratio"), .float(0.5)),  // floats keep their width
    (.string("blob"), .binary([1, 2, 3])),
    (.string("list"), .array([.nil, .bool(true), .uint(300)])),
])
let bytes = MessagePackWriter.bytes(value)  // the smallest forms
let back = try MessagePackReader.value(from: bytes)
print(back == value)  // true

// A non-negative integer reads back as .uint: equality compares integers by value.
print(try MessagePackReader.value(from: MessagePackWriter.bytes(.int(5))))  // uint(5)
print(MessagePackValue.int(5) == .uint(5))  // true
// snippet.end
// snippet.hide
precondition(back == value)
precondition(bytes.count == 40)
guard case .map(let entries) = back, entries.map(\.0) == ["count", "ratio", "blob", "list"].map(MessagePackValue.string) else {
    preconditionFailure("the map's entries changed order")
}
guard case .uint(5) = try MessagePackReader.value(from: MessagePackWriter.bytes(.int(5))) else {
    preconditionFailure("5 did not read back as uint")
}
// snippet.show

// snippet.refusals
func whyRefused(_ bytes: [UInt8], depthLimit: Int = MessagePackReader.defaultDepthLimit) -> MessagePackError? {
    do throws(MessagePackError) {
        _ = try MessagePackReader.value(from: bytes, depthLimit: depthLimit)
        return nil
    } catch {
        return error
    }
}
print(whyRefused(Array(bytes.dropLast()))!)  // MessagePack ends inside a value (at byte 38)
print(whyRefused(bytes + [0xC0])!)  // bytes left after the MessagePack value, from byte 40
print(whyRefused([0xC1])!)  // byte 0 is 0xc1, which MessagePack never uses
print(whyRefused([0xA2, 0xC3, 0x28])!)  // the string at byte 0 is not UTF-8
// An array claiming 4 billion elements in 5 bytes: refused before anything is allocated.
print(whyRefused([0xDD, 0xFF, 0xFF, 0xFF, 0xFF])!)  // MessagePack ends inside a value (at byte 5)
print(whyRefused([0x91, 0x91, 0x91, 0x90], depthLimit: 2)!)  // MessagePack nested deeper than 2 arrays and maps
// snippet.end
// snippet.hide
precondition(whyRefused(Array(bytes.dropLast())) == .truncated(offset: 38))
precondition(whyRefused(bytes + [0xC0]) == .trailingBytes(offset: 40))
precondition(whyRefused([0xC1]) == .reservedByte(offset: 0))
precondition(whyRefused([0xA2, 0xC3, 0x28]) == .invalidUTF8(offset: 0))
precondition(whyRefused([0xDD, 0xFF, 0xFF, 0xFF, 0xFF]) == .truncated(offset: 5))
precondition(whyRefused([0x91, 0x91, 0x91, 0x90], depthLimit: 2) == .nestedTooDeeply(limit: 2))
precondition(whyRefused(bytes) == nil)
