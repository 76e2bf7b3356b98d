import NanoverCore
import NanoverTestSupport
import NanoverWebSocket
import Testing

/// The 2026 client's state against our hub: the whole state first, exact
/// values both ways, atomic changes, the change stream.
@Suite("2026 client: state")
struct ClientStateTests {
    /// Values of every kind the 2026 protocol keeps apart.
    static let exactValues: NanoverStruct = [
        "int": .int(7),
        "negative": .int(-5),
        "int.max": .int(Int64.max),
        "int.min": .int(Int64.min),
        "uint.max": .uint(UInt64.max),
        "double.whole": .double(3),
        "double": .double(2.5),
        "nil": .null,
        "binary": .binary([0, 1, 2, 254, 255]),
        "empty.binary": .binary([]),
        "nested": ["list": [.int(1), .double(1), .null, .binary([9])], "flag": true, "text": "héllo"],
    ]

    /// Whether two values are equal kind for kind, not only by number.
    static func identical(_ a: NanoverValue?, _ b: NanoverValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (.null?, .null?): return true
        case (.bool(let x)?, .bool(let y)?): return x == y
        case (.int(let x)?, .int(let y)?): return x == y
        case (.uint(let x)?, .uint(let y)?): return x == y
        case (.double(let x)?, .double(let y)?): return x == y
        case (.string(let x)?, .string(let y)?): return x == y
        case (.binary(let x)?, .binary(let y)?): return x == y
        case (.list(let x)?, .list(let y)?): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.structure(let x)?, .structure(let y)?):
            return Set(x.keys) == Set(y.keys) && x.allSatisfy { identical($0.value, y[$0.key]) }
        default: return false
        }
    }

    static func identical(_ a: NanoverStruct, _ b: NanoverStruct) -> Bool {
        identical(.structure(a), .structure(b))
    }

    @Test("the first message is the whole state, exactly as the hub holds it")
    func wholeStateFirst() async throws {
        try await withHub(initial: Self.exactValues) { client, hub async throws in
            let state = try await client.fetchState()
            #expect(client.hasInitialState)
            #expect(Self.identical(state, Self.exactValues), "\(state)")
            var changes = client.stateChanges().makeAsyncIterator()
            let first = try #require(try await changes.next())
            #expect(Self.identical(first.updates, Self.exactValues))
            #expect(first.removals.isEmpty)
        }
    }

    @Test("an empty state is a first message too: fetchState returns it without waiting for a change")
    func emptyStateFirst() async throws {
        try await withHub { client, hub async throws in
            #expect(try await client.fetchState() == [:])
            #expect(client.hasInitialState)
        }
    }

    @Test("values round-trip exactly: integers stay integers, nil is a value, binary stays binary")
    func exactRoundTrip() async throws {
        try await withHub { client, hub async throws in
            let other = try await hub.connect()
            try await client.update(updates: Self.exactValues)
            await waitForMirror(client, "the sender sees its change come back") { $0.count == Self.exactValues.count }
            await waitForMirror(other, "another client sees it") { $0.count == Self.exactValues.count }
            #expect(Self.identical(client.copyState(), Self.exactValues), "\(client.copyState())")
            #expect(Self.identical(other.copyState(), Self.exactValues), "\(other.copyState())")
            #expect(Self.identical(hub.session.state.copyState(), Self.exactValues))
            await other.close()
        }
    }

    @Test("setting a key to nil stores nil; removing it removes it")
    func nilIsAValue() async throws {
        try await withHub(initial: ["k": 1]) { client, hub async throws in
            _ = try await client.fetchState()
            try await client.setState("k", to: .null)
            await waitForMirror(client, "k holds nil") { Self.identical($0["k"], .null) }
            #expect(Self.identical(hub.session.state.copyState()["k"], .null))
            try await client.removeState("k")
            await waitForMirror(client, "k is gone") { $0["k"] == nil }
            #expect(hub.session.state.copyState()["k"] == nil)
        }
    }

    @Test("a change is applied whole: another client never sees part of it")
    func atomicChange() async throws {
        try await withHub(initial: ["c": "old"]) { client, hub async throws in
            let watcher = try await hub.connect()
            _ = try await watcher.fetchState()
            let changes = watcher.stateChanges()
            try await client.update(updates: ["a": 1, "b": 2], removals: ["c"])
            var seen = try await watcher.fetchState()
            for try await change in changes {
                change.apply(to: &seen)
                #expect((seen["a"] == nil) == (seen["b"] == nil), "a and b come together: \(seen)")
                #expect((seen["a"] == nil) == (seen["c"] != nil), "c goes with them: \(seen)")
                if seen["a"] != nil { break }
            }
            #expect(Self.identical(seen, ["a": .int(1), "b": .int(2)]))
            await watcher.close()
        }
    }

    @Test("a change touching a key locked over gRPC is refused whole, and nothing is said")
    func lockedKeyRefusesWhole() async throws {
        try await withHub { client, hub async throws in
            try hub.session.state.updateLocks(["b": .acquire(.seconds(600))], token: AccessToken("grpc-user"))
            try await client.update(updates: ["a": 1, "b": 2])
            // Messages are taken in order: once the marker is back, the
            // refused change had its chance.
            try await client.setState("marker", to: true)
            await waitForMirror(client, "the marker comes back") { $0["marker"] != nil }
            #expect(client.copyState()["a"] == nil)
            #expect(client.copyState()["b"] == nil)
        }
    }

    @Test("the change stream begins with the mirror's content, then each change, and finishes when the client closes")
    func changeStream() async throws {
        let hub = try await Hub.start(initial: ["x": 1])
        let client = try await hub.connect()
        _ = try await client.fetchState()
        let other = try await hub.connect()
        var changes = client.stateChanges().makeAsyncIterator()
        let first = try #require(try await changes.next())
        #expect(Self.identical(first.updates, ["x": .int(1)]))
        try await other.setState("y", to: "z")
        var seen = client.copyState()
        while seen["y"] == nil {
            let change = try #require(try await changes.next())
            change.apply(to: &seen)
        }
        try await other.removeState("x")
        while seen["x"] != nil {
            let change = try #require(try await changes.next())
            #expect(change.removals.contains("x") || change.updates.isEmpty == false)
            change.apply(to: &seen)
        }
        #expect(Self.identical(seen, ["y": "z"]))
        await client.close()
        #expect(try await changes.next() == nil)
        await other.close()
        await hub.close()
    }

    @Test("values nested too deeply are refused before anything is sent")
    func tooDeep() async throws {
        try await withHub { client, hub async throws in
            var value: NanoverValue = 1
            for _ in 0..<40 { value = .list([value]) }
            await #expect(throws: NanoverValueError.self) {
                try await client.setState("deep", to: value)
            }
            // The connection is still good.
            try await client.setState("fine", to: 1)
            await waitForMirror(client, "the next change arrives") { $0["fine"] != nil }
        }
    }
}
