import NanoverCore
import NanoverTestSupport
import NanoverWebSocket
import Testing

/// Interactions from the 2026 client: `interaction.<uuid>` keys, as the
/// gRPC client makes them.
@Suite("2026 client: interactions")
struct ClientInteractionTests {
    static let pull = ParticleInteraction(position: SIMD3(1, 2, 3), particles: [4, 2, 2], interactionType: ParticleInteraction.spring, scale: 5)

    @Test("start sets an interaction key, update replaces it, stop removes it")
    func lifecycle() async throws {
        try await withHub { client, hub async throws in
            let key = try await client.startInteraction(Self.pull)
            #expect(key.hasPrefix(ParticleInteraction.keyPrefix))
            #expect(client.ownInteractionKeys == [key])
            await waitForMirror(client, "the interaction comes back") { $0[key] != nil }
            #expect(client.interactions[key] == Self.pull)
            #expect(try ParticleInteraction(stateValue: #require(hub.session.state.copyState()[key])) == Self.pull)

            var moved = Self.pull
            moved.position = SIMD3(-1, 0, 0)
            try await client.updateInteraction(key, to: moved)
            await waitForMirror(client, "the update comes back") { (try? ParticleInteraction(stateValue: $0[key] ?? .null)) == moved }

            try await client.stopInteraction(key)
            await waitForMirror(client, "the key is gone") { $0[key] == nil }
            #expect(client.ownInteractionKeys.isEmpty)
            await #expect(throws: InteractionError.unknown(key: key)) {
                try await client.stopInteraction(key)
            }
            await #expect(throws: InteractionError.unknown(key: key)) {
                try await client.updateInteraction(key, to: moved)
            }
        }
    }

    @Test("another user's interactions are seen; closing stops this client's own")
    func closingStopsOwn() async throws {
        let hub = try await Hub.start()
        let puller = try await hub.connect()
        let watcher = try await hub.connect()
        let first = try await puller.startInteraction(Self.pull)
        let second = try await puller.startInteraction(ParticleInteraction(particles: [0]))
        await waitForMirror(watcher, "both interactions are seen") { $0[first] != nil && $0[second] != nil }
        #expect(Set(watcher.interactions.keys) == [first, second])
        await puller.close()
        await waitForMirror(watcher, "both are gone") { $0[first] == nil && $0[second] == nil }
        #expect(watcher.interactions.isEmpty)
        await watcher.close()
        await hub.close()
    }
}
