import Foundation
import NanoverCore
import NanoverDiscovery
import Testing

@Suite("Hub descriptions")
struct HubDescriptionTests {
    private func fields(_ hub: HubDescription) throws -> NanoverStruct {
        guard case .structure(let fields) = try NanoverJSON.value(fromUTF8: hub.json) else {
            throw HubDescriptionError.invalid("not an object")
        }
        return fields
    }

    @Test("a built description carries the contract's fields: name, address, a UUID id, essd_version 1.0.0, services")
    func builtFields() throws {
        let hub = try HubDescription(name: "Lab", address: "192.0.2.7", services: ["multiplayer": 38801, "trajectory": 38801, "imd": 38801])
        let fields = try fields(hub)
        #expect(fields["name"] == "Lab")
        #expect(fields["address"] == "192.0.2.7")
        #expect(fields["essd_version"] == "1.0.0")
        #expect(fields["services"] == ["multiplayer": 38801, "trajectory": 38801, "imd": 38801])
        let id = try #require(fields["id"]?.stringValue)
        #expect(UUID(uuidString: id) != nil)
        #expect(id == id.lowercased())
        #expect(try HubDescription(name: "Lab", address: "192.0.2.7").id != hub.id)
    }

    @Test("the reference's message reads, with every field kept")
    func readsReferenceMessage() throws {
        let text = #"{"name": "Example NanoVer Service Hub", "address": "localhost", "id": "12345", "essd_version": "1.0.0", "services": {"imd": 54322, "trajectory": 54323}, "port": 38801}"#
        let hub = try HubDescription(json: Array(text.utf8))
        #expect(hub.name == "Example NanoVer Service Hub")
        #expect(hub.address == "localhost")
        #expect(hub.id == "12345")
        #expect(hub.essdVersion == "1.0.0")
        #expect(hub.services == ["imd": 54322, "trajectory": 54323])
        #expect(hub.extraFields == ["port": 38801])
        #expect(try HubDescription(json: hub.json) == hub)
    }

    @Test("extra fields travel both ways; one named like a standard field is refused")
    func extraFields() throws {
        let hub = try HubDescription(name: "Lab", address: "[::]", extraFields: ["port": 38801, "tags": ["a", "b"]])
        #expect(try HubDescription(json: hub.json).extraFields == ["port": 38801, "tags": ["a", "b"]])
        #expect(throws: HubDescriptionError.self) {
            try HubDescription(name: "Lab", address: "[::]", extraFields: ["services": 1])
        }
    }

    @Test("names with non-ASCII characters travel as UTF-8 and read back, escaped or not")
    func nonASCIINames() throws {
        let name = "Café ✓ 分子 🧪"
        let hub = try HubDescription(name: name, address: "192.0.2.7")
        #expect(String(decoding: hub.json, as: UTF8.self).contains(name))
        #expect(try HubDescription(json: hub.json).name == name)
        // As Python's json.dumps writes it by default.
        let escaped = #"{"name": "Caf\u00e9 \u2713 \u5206\u5b50 \ud83e\uddea", "address": "192.0.2.7"}"#
        #expect(try HubDescription(json: Array(escaped.utf8)).name == name)
    }

    @Test("strings are read as plain JSON: a hub may be named NaN")
    func plainStrings() throws {
        let hub = try HubDescription(json: Array(#"{"name": "NaN", "address": "Infinity", "x": {"$binary": "AQID"}}"#.utf8))
        #expect(hub.name == "NaN")
        #expect(hub.address == "Infinity")
        #expect(hub.extraFields["x"] == ["$binary": "AQID"])
    }

    @Test("a description over 1,024 bytes is refused when built; 1,024 exactly is accepted")
    func sizeLimitWhenBuilt() throws {
        let base = try HubDescription(name: "", address: "192.0.2.7", id: "x")
        let room = ESSD.maximumMessageBytes - base.json.count
        let largest = try HubDescription(name: String(repeating: "n", count: room), address: "192.0.2.7", id: "x")
        #expect(largest.json.count == ESSD.maximumMessageBytes)
        #expect(throws: HubDescriptionError.tooLarge(bytes: ESSD.maximumMessageBytes + 1)) {
            try HubDescription(name: String(repeating: "n", count: room + 1), address: "192.0.2.7", id: "x")
        }
        // Two bytes of UTF-8 each: the limit is in bytes, not characters.
        #expect(throws: HubDescriptionError.self) {
            try HubDescription(name: String(repeating: "é", count: room / 2 + 1), address: "192.0.2.7", id: "x")
        }
        // An address put in by the sender may take a description over too.
        #expect(throws: HubDescriptionError.self) {
            try largest.with(address: "192.0.2.255")
        }
    }

    @Test("an oversized datagram is refused before it is parsed")
    func oversizedDatagram() {
        let padding = String(repeating: " ", count: 2 * ESSD.maximumMessageBytes)
        #expect(throws: HubDescriptionError.tooLarge(bytes: ESSD.maximumMessageBytes + 42)) {
            try HubDescription(json: Array((#"{"name":"a","address":"b"}"# + padding).utf8.prefix(ESSD.maximumMessageBytes + 42)))
        }
    }

    @Test("what is not a description is refused, saying why", arguments: [
        ("", "not valid JSON"),
        ("{", "not valid JSON"),
        ("\u{FF}", "not UTF-8"),
        ("[1, 2]", "not a JSON object"),
        (#"{"address": "192.0.2.7"}"#, "no \"name\""),
        (#"{"name": "Lab"}"#, "no \"address\""),
        (#"{"name": 3, "address": "192.0.2.7"}"#, "\"name\" is 3"),
        (#"{"name": "Lab", "address": "192.0.2.7", "id": 12}"#, "\"id\" is 12"),
        (#"{"name": "Lab", "address": "192.0.2.7", "services": [1]}"#, "\"services\" is [1]"),
        (#"{"name": "Lab", "address": "192.0.2.7", "services": {"ws": "80"}}"#, "port of service \"ws\""),
        (#"{"name": "Lab", "address": "192.0.2.7", "services": {"ws": 70000}}"#, "port of service \"ws\""),
        (#"{"name": "Lab", "address": "192.0.2.7", "services": {"ws": 80.5}}"#, "port of service \"ws\""),
    ])
    func malformed(text: String, reason: String) {
        let bytes: [UInt8] = text == "\u{FF}" ? [0xFF, 0xFE] : Array(text.utf8)
        do {
            let hub = try HubDescription(json: bytes)
            Issue.record("read \(hub) from \(text)")
        } catch {
            #expect("\(error)".contains(reason), "\(error)")
        }
    }

    @Test("a description heard without an id is told apart by name and address")
    func identityWithoutID() throws {
        let first = try HubDescription(json: Array(#"{"name": "Lab", "address": "192.0.2.7"}"#.utf8))
        let second = try HubDescription(json: Array(#"{"name": "Lab", "address": "192.0.2.8"}"#.utf8))
        #expect(first.id == nil)
        #expect(first.identity != second.identity)
        #expect(try HubDescription(name: "Lab", address: "192.0.2.7", id: "abc").identity == "abc")
    }
}
