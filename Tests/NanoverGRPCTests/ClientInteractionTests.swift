import NanoverCore
import NanoverGRPC
import NanoverTestSupport
import Testing

@Suite("The client's interactions and playback commands")
struct ClientInteractionTests {
    @Test("an interaction is a new interaction key with the contract's fields; updating replaces it, stopping removes it")
    func lifecycle() async throws {
        try await withClientServer { client, server in
            let key = try await client.startInteraction(ParticleInteraction(position: SIMD3(1, 2, 3), particles: [3, 1, 3]))
            #expect(key.hasPrefix("interaction."))
            let stored = try #require(server.copyState()[key]?.structValue)
            #expect(stored["particles"] == [1, 3])
            #expect(stored["position"] == [1, 2, 3])
            #expect(stored["interaction_type"] == "gaussian" && stored["max_force"] == 20000)

            try await client.updateInteraction(key, to: ParticleInteraction(position: .zero, particles: [7], interactionType: "spring"))
            #expect(server.copyState()[key]?["interaction_type"] == "spring")

            client.subscribeAllStateUpdates(interval: .zero)
            await waitUntil("the mirror holds the interaction") { client.interactions[key]?.particles == [7] }

            try await client.stopInteraction(key)
            #expect(server.copyState()[key] == nil)
            await #expect(throws: InteractionError.unknown(key: key)) { try await client.stopInteraction(key) }
            await #expect(throws: InteractionError.unknown(key: "interaction.other")) {
                try await client.updateInteraction("interaction.other", to: ParticleInteraction())
            }
        }
    }

    @Test("closing a client stops the interactions it started, and only those")
    func closeStopsInteractions() async throws {
        try await withClientServer { client, server in
            try await withSecondClient(of: server) { other in
                _ = try await other.startInteraction(ParticleInteraction(particles: [1]))
                _ = try await other.startInteraction(ParticleInteraction(particles: [2]))
                #expect(other.ownInteractionKeys.count == 2)
            }
            let kept = try await client.startInteraction(ParticleInteraction(particles: [3]))
            let keys = server.copyState().keys.filter { $0.hasPrefix(ParticleInteraction.keyPrefix) }
            #expect(keys == [kept])
        }
    }

    @Test("a locked interaction key refuses an update with a clear error")
    func refused() async throws {
        try await withClientServer { client, server in
            let key = try await client.startInteraction(ParticleInteraction(particles: [1]))
            try await withSecondClient(of: server) { other in
                let locked = try await other.attemptUpdateLocks([key: .acquire(.seconds(60))])
                #expect(locked)
            }
            await #expect(throws: InteractionError.refused(key: key)) {
                try await client.updateInteraction(key, to: ParticleInteraction(particles: [2]))
            }
        }
    }

    @Test("the playback conveniences run the playback commands, load with its index, list reading the names")
    func playback() async throws {
        try await withClientServer { client, server in
            let ran = Box<[String]>([])
            for name in [PlaybackCommand.play, PlaybackCommand.pause, PlaybackCommand.reset, PlaybackCommand.step, PlaybackCommand.next] {
                try server.session.commands.register(name) { _ in
                    ran.mutate { $0.append(name) }
                    return [:]
                }
            }
            try server.session.commands.register(PlaybackCommand.load, defaultArguments: ["index": 0]) { arguments in
                ran.mutate { $0.append("load \(arguments["index"]?.intValue ?? -1)") }
                return [:]
            }
            try server.session.commands.register(PlaybackCommand.list) { _ in ["simulations": ["water", "protein"]] }

            try await client.playback.play()
            try await client.playback.pause()
            try await client.playback.reset()
            try await client.playback.step()
            try await client.playback.next()
            try await client.playback.load(index: 3)
            #expect(try await client.playback.list() == ["water", "protein"])
            #expect(ran.value == ["playback/play", "playback/pause", "playback/reset", "playback/step", "playback/next", "load 3"])
        }
    }
}
