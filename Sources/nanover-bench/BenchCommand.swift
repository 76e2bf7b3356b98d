import ArgumentParser

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nanover-bench",
        abstract: "Drive any NanoVer server over the wire and print what it achieves.",
        discussion: "Build and run it in release mode: a debug load generator measures itself.",
        subcommands: [
            UpdateThroughput.self, Fanout.self, VRSession.self, Commands.self, IdleSubscribers.self,
            Soak.self, BaselineServer.self, Suite.self, FrameServer.self, Frames.self,
        ]
    )
}
