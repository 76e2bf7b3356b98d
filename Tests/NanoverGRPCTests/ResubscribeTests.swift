import GRPCCore
import NanoverCore
import NanoverGRPC
import NanoverTestSupport
import Testing

/// A client whose server goes away: it reports the loss, and with a policy
/// subscribes again and restores its mirror when a server is back.
@Suite("Client: lost subscriptions")
struct ResubscribeTests {
    static let quickRetry = ResubscribePolicy(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200))

    private func startServer(port: Int, state: NanoverStruct) async throws -> NanoverServer {
        let server = try await NanoverServer.start(address: "127.0.0.1", port: port, configuration: testConfiguration())
        try server.updateState(StateChange(updates: state))
        return server
    }

    /// A client subscribed with ``quickRetry`` to a server holding `state`,
    /// which has then closed; its change and event streams were opened
    /// before it subscribed. The port is free for a new server.
    private func clientWhoseServerClosed(
        state: NanoverStruct
    ) async throws -> (client: NanoverClient, port: Int, changes: StateChangeStream, events: AsyncStream<SubscriptionEvent>) {
        let first = try await startServer(port: 0, state: state)
        let client = try NanoverClient(address: "127.0.0.1", port: first.port)
        let changes = client.stateChanges()
        let events = client.subscriptionEvents()
        client.subscribeAllStateUpdates(interval: .zero, resubscribe: Self.quickRetry)
        await waitUntil("the first state arrives") { client.copyState() == state }
        await first.close()
        return (client, first.port, changes, events)
    }

    @Test("without a policy, a closing server ends the change stream normally and the event says lost")
    func lostWithoutPolicy() async throws {
        let server = try await startServer(port: 0, state: ["a": 1])
        let client = try NanoverClient(address: "127.0.0.1", port: server.port)
        let changes = client.stateChanges()
        let events = client.subscriptionEvents()
        client.subscribeAllStateUpdates(interval: .zero)
        await waitUntil("the state arrives") { client.copyState() == ["a": 1] }
        await server.close()
        var received: [StateChange] = []
        for try await change in changes {
            received.append(change)
        }
        #expect(received == [StateChange(updates: ["a": 1])])
        var seen: [SubscriptionEvent] = []
        for await event in events {
            seen.append(event)
        }
        #expect(seen.count == 1)
        if case .lost(let error)? = seen.first {
            #expect(error is SubscriptionEndedByServer)
        } else {
            Issue.record("expected a loss, got \(seen)")
        }
        // Calls fail rather than hang.
        await #expect(throws: RPCError.self) { try await client.attemptUpdateState(StateChange(updates: ["a": 2])) }
        await client.close()
    }

    @Test("with a policy, the client subscribes again and the new server's whole state replaces the mirror")
    func restoredAfterRestart() async throws {
        let (client, port, changes, events) = try await clientWhoseServerClosed(state: ["kept": 1, "vanishes": 2])

        var eventIterator = events.makeAsyncIterator()
        guard case .lost? = await eventIterator.next() else {
            Issue.record("expected the loss first")
            return
        }
        // The mirror keeps what it saw while no server answers.
        #expect(client.copyState() == ["kept": 1, "vanishes": 2])

        let second = try await startServer(port: port, state: ["kept": 10, "new": 3])
        await waitUntil("the new server's state replaces the mirror") { client.copyState() == ["kept": 10, "new": 3] }
        var restored = false
        while let event = await eventIterator.next() {
            if case .restored = event {
                restored = true
                break
            }
        }
        #expect(restored)

        // The change stream went on and told the replacement: read only
        // now, what it holds merges to the replacement (the vanished key
        // removed, which ends the loop).
        var replacement = StateChange()
        var iterator = changes.makeAsyncIterator()
        while let change = try await iterator.next() {
            replacement.merge(change)
            if replacement.removals.contains("vanishes") {
                break
            }
        }
        #expect(replacement == StateChange(updates: ["kept": 10, "new": 3], removals: ["vanishes"]))

        // And the new subscription is live.
        try second.updateState(StateChange(updates: ["later": true]))
        let later = try await iterator.next()
        #expect(later == StateChange(updates: ["later": true]))
        await client.close()
        await second.close()
    }

    @Test("a server that comes back empty empties the mirror")
    func restoredEmpty() async throws {
        let (client, port, _, events) = try await clientWhoseServerClosed(state: ["a": 1])
        let second = try await startServer(port: port, state: [:])
        await waitUntil("the empty state replaces the mirror") { client.copyState().isEmpty }
        var restored = false
        for await event in events {
            if case .restored = event {
                restored = true
                break
            }
        }
        #expect(restored)
        // The nudge's removal never shows in the mirror or its changes.
        #expect(second.copyState().isEmpty)
        await client.close()
        await second.close()
    }

    @Test("a restored subscription stays open once the empty-state nudge has finished")
    func restoredStaysOpen() async throws {
        let (client, port, _, events) = try await clientWhoseServerClosed(state: ["a": 1])
        let seen = Box<[SubscriptionEvent]>([])
        let collecting = Task {
            for await event in events {
                seen.value.append(event)
            }
        }
        let second = try await startServer(port: port, state: ["b": 2])
        // The closing first server may itself have answered a resubscription
        // with its final state before ending it: wait for the new server's.
        await waitUntil("the new server's state is restored") {
            guard client.copyState() == ["b": 2], case .restored? = seen.value.last else { return false }
            return true
        }
        let eventsAtRestore = seen.value.count
        // The nudge beside a resubscription is over before its first message
        // is told; its ending once ended the stream too, and the client
        // subscribed again and again. Had this stream ended, a loss would be
        // told before any later change could arrive by another one.
        try second.updateState(StateChange(updates: ["c": 3]))
        await waitUntil("the live subscription brings the next change") { client.copyState()["c"] == 3 }
        #expect(second.state.subscriptionCount == 1)
        let later = Array(seen.value.dropFirst(eventsAtRestore))
        #expect(later.isEmpty, "no loss after the restore: \(later)")
        await client.close()
        await collecting.value
        await second.close()
    }

    @Test("retries back off from the initial delay up to the maximum")
    func backoff() {
        let policy = ResubscribePolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), multiplier: 2)
        #expect(policy.delay(beforeAttempt: 0) == .milliseconds(100))
        #expect(policy.delay(beforeAttempt: 1) == .milliseconds(200))
        #expect(policy.delay(beforeAttempt: 3) == .milliseconds(800))
        #expect(policy.delay(beforeAttempt: 4) == .seconds(1))
        #expect(policy.delay(beforeAttempt: 50) == .seconds(1))
    }
}
