import NanoverCore
import NanoverTestSupport
import NanoverWebSocket
import Testing

/// The README's 2026 client example, as it is written there, against our
/// hub, so that it stays true.
@Suite("README: the 2026 client")
struct ReadmeClientExampleTests {
    @Test("the 2026 client example works as the README shows")
    func example() async throws {
        let hub = try await Hub.start(initial: ["old": "x"])
        let client = try await NanoverWebSocketClient.connect(to: hub.url)
        #expect(try await client.fetchState() == ["old": "x"])
        try await client.update(updates: ["count": 3, "blob": .binary([1, 2])], removals: ["old"])
        for try await change in client.stateChanges() where change.updates["count"] != nil {
            guard case .int(3)? = change.updates["count"] else {
                Issue.record("count is not the integer 3: \(change.updates)")
                break
            }
            break
        }
        #expect(client.copyState() == ["count": 3, "blob": .binary([1, 2])])
        let list = try await client.runCommand("commands/list")
        #expect(list["list"]?["commands/list"] == [:])
        try await client.registerCommand("double", defaultArguments: ["x": 1]) { arguments in
            ["y": .int(2 * Int64(arguments["x"]?.intValue ?? 0))]
        }
        await waitUntil("the hub lists it") { hub.session.commands.commands["double"] != nil }
        #expect(try await hub.session.commands.run("double", arguments: ["x": 4]) == ["y": 8])
        let frames = client.subscribeLatestFrames()
        try await client.publishFrame(Frame(values: ["particle.count": 0]), index: 0)
        let first = try #require(try await frames.next())
        #expect(first.index == 0)
        #expect(first.frame.values["particle.count"] == 0)
        await client.close()
        await hub.close()
    }
}
