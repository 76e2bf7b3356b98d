import GRPCCore
import NanoverCore
import NanoverTesting
import NanoverGRPC
import NanoverTestSupport
import Testing

/// Our client against our server over loopback gRPC. Ported in spirit from
/// the reference's `tests/core/test_nanover_client_server_state.py`.
@Suite("Client and server: state")
struct ClientServerStateTests {
    static let lockSeconds = 5.0

    private static func tooDeep() -> NanoverValue {
        var value: NanoverValue = "leaf"
        for _ in 0..<100 {
            value = ["k": value]
        }
        return value
    }

    @Test("the server refuses a value that cannot go on the wire")
    func serverRefusesUnserializable() async throws {
        try await withClientServer { _, server async throws in
            #expect(throws: StateError.self) {
                try server.updateState(StateChange(updates: ["hello": Self.tooDeep()]))
            }
            #expect(server.copyState() == initialState)
        }
    }

    @Test("the client refuses a value that cannot go on the wire, before sending")
    func clientRefusesUnserializable() async throws {
        try await withClientServer { client, server async throws in
            await #expect(throws: NanoverValueError.self) {
                try await client.attemptUpdateState(StateChange(updates: ["hello": Self.tooDeep()]))
            }
            #expect(server.copyState() == initialState)
        }
    }

    @Test("the client's copy equals its mirror, and is independent of it")
    func clientCopy() async throws {
        try await withClientServer { client, server async throws in
            client.subscribeAllStateUpdates(interval: .zero)
            await waitUntil("the initial state arrives") { client.copyState() == initialState }
            var copy = client.copyState()
            client.withLockedState { state in
                #expect(copy == state)
            }
            copy["test"] = ["baby": "shark"]
            client.withLockedState { state in
                #expect(copy != state)
                #expect(state == initialState)
            }
        }
    }

    @Test("the server's copy equals its state, and is independent of it")
    func serverCopy() async throws {
        try await withClientServer { _, server async throws in
            var copy = server.copyState()
            server.withLockedState { state in
                #expect(copy == state)
                #expect(state == initialState)
            }
            copy["test"] = ["baby": "shark"]
            server.withLockedState { state in
                #expect(copy != state)
            }
        }
    }

    @Test("the client receives the initial state at once, whatever the interval", arguments: [0.0, 1.0 / 10, 1.0 / 30, 1.0 / 60, 1000])
    func initialStateAtOnce(interval: Double) async throws {
        try await withClientServer { client, server async throws in
            client.subscribeAllStateUpdates(interval: .seconds(interval))
            await waitUntil("the initial state arrives") { client.copyState() == initialState }
        }
    }

    @Test("the server's state reflects a client's change")
    func serverReflectsClientUpdate() async throws {
        try await withClientServer { client, server async throws in
            #expect(try await client.attemptUpdateState(StateChange(updates: ["hello": "goodbye"], removals: ["test"])))
            #expect(server.copyState() == ["hello": "goodbye"])
        }
    }

    @Test("a client's mirror reflects its own change")
    func clientReflectsOwnUpdate() async throws {
        try await withClientServer { client, server async throws in
            client.subscribeAllStateUpdates(interval: .zero)
            #expect(try await client.attemptUpdateState(StateChange(updates: ["hello": "goodbye"], removals: ["test"])))
            await waitUntil("the change reaches the mirror") { client.copyState() == ["hello": "goodbye"] }
        }
    }

    @Test("a client's mirror reflects another client's change")
    func clientReflectsOtherUpdate() async throws {
        try await withClientServer { client, server async throws in
            client.subscribeAllStateUpdates(interval: .zero)
            try await withSecondClient(of: server) { other async throws in
                #expect(try await other.attemptUpdateState(StateChange(updates: ["hello": "goodbye"], removals: ["test"])))
            }
            await waitUntil("the change reaches the mirror") { client.copyState() == ["hello": "goodbye"] }
        }
    }

    @Test("the change stream yields what the mirror applies, in order")
    func changeStream() async throws {
        try await withClientServer(initial: [:]) { client, server async throws in
            let changes = client.stateChanges()
            client.subscribeAllStateUpdates(interval: .zero)
            await waitUntil("the server has the subscription") { server.state.subscriptionCount == 1 }
            for value in 1...3 {
                try server.updateState(StateChange(updates: ["n": .double(Double(value))]))
            }
            try server.updateState(StateChange(removals: ["n"]))
            var numbers: [Int] = []
            var removed = false
            for try await change in changes {
                numbers += change.updates["n"]?.intValue.map { [$0] } ?? []
                if change.removals.contains("n") {
                    removed = true
                    break
                }
            }
            // Coalescing may merge updates, never reorder or lose the last.
            #expect(removed)
            #expect(numbers == numbers.sorted())
            #expect(Set(numbers).isSubset(of: [1, 2, 3]))
        }
    }

    @Test("updates are spaced by the subscriber's interval, on the server's clock")
    func intervalSpacing() async throws {
        let clock = ManualClock()
        try await withClientServer(clock: clock) { client, server async throws in
            client.subscribeAllStateUpdates(interval: .seconds(1))
            await waitUntil("the initial state arrives") { client.copyState() == initialState }
            #expect(try await client.attemptUpdateState(StateChange(updates: ["hello": 1])))
            // The server now holds the change until a second has passed since
            // the first message: its subscription sleeps on the manual clock.
            await waitUntil("the server's subscription sleeps out its interval") { clock.sleeperCount == 1 }
            #expect(client.copyState()["hello"] == 100)
            clock.advance(by: .milliseconds(999))
            #expect(client.copyState()["hello"] == 100)
            #expect(clock.sleeperCount == 1)
            clock.advance(by: .milliseconds(1))
            await waitUntil("the change arrives after the interval") { client.copyState()["hello"] == 1 }
        }
    }

    @Test("a key set then removed while a subscriber waits arrives as a removal")
    func coalescedRemoval() async throws {
        let clock = ManualClock()
        try await withClientServer(clock: clock) { client, server async throws in
            let changes = client.stateChanges()
            client.subscribeAllStateUpdates(interval: .seconds(1))
            var iterator = changes.makeAsyncIterator()
            #expect(try await iterator.next() == StateChange(updates: initialState))
            try server.updateState(StateChange(updates: ["new": 1]))
            try server.updateState(StateChange(removals: ["new", "hello"]))
            try server.updateState(StateChange(updates: ["hello": 2]))
            await waitUntil("the server's subscription sleeps out its interval") { clock.sleeperCount == 1 }
            clock.advance(by: .seconds(1))
            #expect(try await iterator.next() == StateChange(updates: ["hello": 2], removals: ["new"]))
        }
    }

    @Test("an empty change succeeds and changes nothing")
    func emptyChange() async throws {
        try await withClientServer { client, server async throws in
            #expect(try await client.attemptUpdateState(StateChange()))
            #expect(server.copyState() == initialState)
        }
    }

    @Test("unicode, empty-string keys and nested nulls travel intact")
    func awkwardKeys() async throws {
        try await withClientServer { client, server async throws in
            let updates: NanoverStruct = ["": "empty", "ключ ✓": ["a": [nil, 1.5]], "avatar.1": ["x": nil]]
            #expect(try await client.attemptUpdateState(StateChange(updates: updates)))
            #expect(server.copyState() == initialState.merging(updates) { $1 })
            client.subscribeAllStateUpdates(interval: .zero)
            await waitUntil("the mirror holds them") { client.copyState() == server.copyState() }
        }
    }

    @Test("16 concurrent writers over gRPC lose no update")
    func concurrentWriters() async throws {
        try await withClientServer(initial: [:]) { _, server async throws in
            let watcher = try NanoverClient(address: "127.0.0.1", port: server.port)
            watcher.subscribeAllStateUpdates(interval: .zero)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<16 {
                    group.addTask {
                        try await withSecondClient(of: server) { client async throws in
                            for index in 0..<20 {
                                let accepted = try await client.attemptUpdateState(
                                    StateChange(updates: ["w\(writer).\(index)": .double(Double(index))]))
                                #expect(accepted)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(server.copyState().count == 16 * 20)
            await waitUntil("the watcher's mirror holds every write") { watcher.copyState() == server.copyState() }
            await watcher.close()
        }
    }

    @Test("a state larger than the transport's default 4 MiB reaches a client's mirror and snapshot")
    func largeState() async throws {
        try await withClientServer(initial: [:]) { client, server in
            // Six values of 1 MiB each; the server takes them in separate
            // changes, each under its request limit.
            let payload = NanoverValue.string(String(repeating: "x", count: 1 << 20))
            for key in 0..<6 {
                try server.updateState(StateChange(updates: ["big\(key)": payload]))
            }
            #expect(try await client.fetchState().count == 6)
            client.subscribeAllStateUpdates(interval: .zero)
            await waitUntil("the mirror holds the whole state") { client.copyState().count == 6 }
        }
    }
}
