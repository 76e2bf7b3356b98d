extension RecordingPlayer {
    /// Registers the `playback/*` commands on the session: `play`, `pause`,
    /// `step`, `reset`, `list` (`{"simulations": [names]}`), `load`
    /// (argument `index`, modulo the number of recordings) and `next`.
    ///
    /// A command that needs a loaded recording, asked when none is, fails
    /// with ``CommandError/cannotRunNow(_:)`` saying why.
    ///
    /// - Throws: ``CommandError/alreadyRegistered(name:)`` when the session
    ///   has a `playback/*` command already (another player's, say).
    public func registerCommands() throws(CommandError) {
        let commands = session.commands
        try commands.register(PlaybackCommand.play) { [self] _ in try play(); return nil }
        try commands.register(PlaybackCommand.pause) { [self] _ in try pause(); return nil }
        try commands.register(PlaybackCommand.reset) { [self] _ in try reset(); return nil }
        try commands.register(PlaybackCommand.step) { [self] _ in try step(); return nil }
        try commands.register(PlaybackCommand.list) { [self] _ in
            ["simulations": .list(recordings.map { .string($0.name) })]
        }
        try commands.register(PlaybackCommand.load, defaultArguments: ["index": 0]) { [self] arguments in
            guard let index = arguments["index"]?.intValue else {
                throw CommandError.invalidArguments("index must be a whole number")
            }
            try loading { () throws(PlaybackError) in try load(index) }
            return nil
        }
        try commands.register(PlaybackCommand.next) { [self] _ in
            try loading { () throws(PlaybackError) in try next() }
            return nil
        }
    }

    private func loading(_ body: () throws(PlaybackError) -> Void) throws(CommandError) {
        guard !recordings.isEmpty else { throw .cannotRunNow("there are no recordings to load") }
        do {
            try body()
        } catch {
            throw .cannotRunNow("\(error)")
        }
    }
}
