import Foundation
import NanoverCore
import NanoverTesting
import NanoverTestSupport
import Testing

/// Entries as NanoVer JSON, for tests of the player alone: frames as
/// `{"index": N, "values": {...}}`, changes as `{"updates": {...},
/// "removals": [...]}`. Recordings of real sessions hold protocol messages
/// (tested with the gRPC adapter's decoder).
struct JSONRecordingDecoder: RecordingDecoder {
    func frame(from entry: RecordingEntry) throws -> ReceivedFrame {
        let value = try NanoverJSON.value(fromUTF8: entry.message)
        return ReceivedFrame(index: UInt32(value["index"]?.intValue ?? 0), frame: Frame(values: value["values"]?.structValue ?? [:]))
    }

    func stateChange(from entry: RecordingEntry) throws -> StateChange {
        let value = try NanoverJSON.value(fromUTF8: entry.message)
        return StateChange(updates: value["updates"]?.structValue ?? [:], removals: Set((value["removals"]?.listValue ?? []).compactMap(\.stringValue)))
    }
}

@Suite("Playing recordings through a session")
struct PlaybackTests {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nanover-playback-\(UUID().uuidString)")

    /// Writes NAME.traj and/or NAME.state of (milliseconds, JSON) entries.
    private func recording(_ name: String, frames: [(UInt64, String)]?, state: [(UInt64, String)]?) throws -> PlaybackRecording {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func write(_ entries: [(UInt64, String)]?, _ suffix: String) throws -> String? {
            guard let entries else { return nil }
            let path = directory.appendingPathComponent(name + suffix).path
            let writer = try RecordingWriter(path: path)
            for (milliseconds, json) in entries {
                try writer.append(timestamp: milliseconds * 1000, message: Array(json.utf8))
            }
            writer.close()
            return path
        }
        return PlaybackRecording(name: name, framesPath: try write(frames, ".traj"), statePath: try write(state, ".state"))
    }

    private func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    private var water: (frames: [(UInt64, String)], state: [(UInt64, String)]) {
        (
            [(0, #"{"index": 0, "values": {"topology": 1}}"#), (100, #"{"index": 1, "values": {"step": 1, "system.simulation.counter": 7}}"#), (200, #"{"index": 2, "values": {"step": 2}}"#)],
            [(100, #"{"updates": {"interaction.a": {"particles": [1]}, "scene": [1,1,1,0,0,0,1,2,2,2]}}"#), (150, #"{"removals": ["interaction.a"], "updates": {"selection.b": 1}}"#)]
        )
    }

    private func player(_ recordings: [PlaybackRecording], session: NanoverSession) -> RecordingPlayer {
        RecordingPlayer(recordings: recordings, session: session, decoder: JSONRecordingDecoder(), clock: ManualClock())
    }

    @Test("entries of both files are replayed in time order, each frame with its recorded index and nothing added")
    func realTime() throws {
        defer { cleanUp() }
        let session = NanoverSession()
        let frames = session.frames.subscribe(.every)
        let player = player([try recording("water", frames: water.frames, state: water.state)], session: session)
        try player.load(0)
        player.tick(elapsed: .milliseconds(50))
        #expect(session.frames.currentFrame?.index == 0)
        #expect(session.frames.currentFrame?.frame.values["topology"] == 1)
        #expect(session.state.copyState()["interaction.a"] == nil)
        player.tick(elapsed: .milliseconds(50))
        #expect(session.frames.currentFrame?.index == 1)
        #expect(session.state.copyState()["interaction.a"] == ["particles": [1]])
        player.tick(elapsed: .milliseconds(60))
        #expect(session.state.copyState()["interaction.a"] == nil && session.state.copyState()["selection.b"] == 1)
        #expect(session.frames.currentFrame?.frame.values["index"] == nil, "no index key leaks into frames")
        // Two resets so far (the player's, then the recording's index 0):
        // the hub's own count, not the recorded 7.
        #expect(session.frames.currentFrame?.frame.simulationCounter == 1)
        frames.cancel()
        session.close()
    }

    @Test("at the end it resets: an empty frame with index 0, scene at identity, every key the recording set removed; then it loops")
    func loops() throws {
        defer { cleanUp() }
        let session = NanoverSession()
        try session.state.update(StateChange(updates: ["other": true]))
        let player = player([try recording("water", frames: water.frames, state: water.state)], session: session)
        try player.load(0)
        player.tick(elapsed: .milliseconds(160))
        #expect(session.state.copyState()["selection.b"] == 1)
        player.tick(elapsed: .milliseconds(100))
        let current = try #require(session.frames.currentFrame)
        #expect(current.index == 0 && current.frame.keys == [FrameKey.serverTimestamp, FrameKey.simulationCounter])
        #expect(session.state.copyState() == ["other": true, "scene": RecordingPlayer.sceneIdentity])
        player.tick(elapsed: .milliseconds(10))
        #expect(session.frames.currentFrame?.frame.values["topology"] == 1, "played again from the start")
        session.close()
    }

    @Test("every lock is cleared before a recorded change, so a user's lock cannot block playback")
    func locksCleared() throws {
        defer { cleanUp() }
        let session = NanoverSession()
        let player = player([try recording("water", frames: nil, state: water.state)], session: session)
        try player.load(0)
        try session.state.updateLocks(["interaction.a": .acquire(.seconds(60))], token: AccessToken("user"))
        player.tick(elapsed: .milliseconds(100))
        #expect(session.state.copyState()["interaction.a"] == ["particles": [1]])
        session.close()
    }

    @Test("pause holds still, step plays exactly one moment and pauses, play goes on")
    func pauseStepPlay() throws {
        defer { cleanUp() }
        let session = NanoverSession()
        let player = player([try recording("water", frames: water.frames, state: water.state)], session: session)
        try player.load(0)
        try player.pause()
        player.tick(elapsed: .seconds(5))
        #expect(session.frames.currentFrame?.frame.isEmpty == false && session.frames.currentFrame?.frame.values["topology"] == nil)
        try player.step()
        #expect(session.frames.currentFrame?.frame.values["topology"] == 1)
        try player.step()
        #expect(session.frames.currentFrame?.index == 1 && session.state.copyState()["interaction.a"] != nil, "frame and change of one moment together")
        #expect(player.isPaused)
        try player.play()
        player.tick(elapsed: .milliseconds(60))
        #expect(session.state.copyState()["selection.b"] == 1)
        session.close()
    }

    @Test("loading clears the users' keys and locks, wraps its index, and next loops through the recordings")
    func loading() throws {
        defer { cleanUp() }
        let session = NanoverSession()
        let first = try recording("water", frames: water.frames, state: water.state)
        let second = try recording("protein", frames: [(0, #"{"index": 0, "values": {"protein": true}}"#)], state: nil)
        let player = player([first, second], session: session)
        try player.load(0)
        try session.state.update(StateChange(updates: ["avatar.u": 1, "playarea.u": 1, "selection.u": 1, "interaction.u": 1, "scene": 1, "kept": 1]))
        try session.state.updateLocks(["kept": .acquire(.seconds(60))], token: AccessToken("user"))
        #expect(throws: StateError.self) { try session.state.update(StateChange(updates: ["kept": 0])) }
        try player.load(3)
        #expect(player.loadedName == "protein")
        #expect(session.state.copyState() == ["kept": 1, "scene": RecordingPlayer.sceneIdentity])
        try session.state.update(StateChange(updates: ["kept": 2]))
        #expect(session.state.copyState()["kept"] == 2, "the lock was cleared")
        try player.next()
        #expect(player.loadedName == "water")
        try player.load(-1)
        #expect(player.loadedName == "protein")
        session.close()
    }

    @Test("commands that need a loaded recording fail clearly when none is; an unreadable one says why")
    func nothingLoaded() async throws {
        defer { cleanUp() }
        let session = NanoverSession()
        let empty = player([], session: session)
        try empty.registerCommands()
        await #expect(throws: CommandError.cannotRunNow("no recording is loaded")) { try await session.commands.run(PlaybackCommand.play) }
        await #expect(throws: CommandError.self) { try await session.commands.run(PlaybackCommand.next) }
        #expect(try await session.commands.run(PlaybackCommand.list) == ["simulations": []])

        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bad = directory.appendingPathComponent("bad.traj").path
        try Data("nonsense".utf8).write(to: URL(fileURLWithPath: bad))
        let broken = player([PlaybackRecording(name: "bad", framesPath: bad, statePath: nil)], session: NanoverSession())
        #expect(throws: PlaybackError.self) { try broken.check() }
        #expect(throws: PlaybackError.self) { try broken.load(0) }
        let error = #expect(throws: CommandError.self) { try broken.step() }
        #expect(error?.description.contains("not a NanoVer recording") == true)
        session.close()
    }

    @Test("an empty recording resets once and then stays still; state-only and frames-only recordings play")
    func partialRecordings() throws {
        defer { cleanUp() }
        let session = NanoverSession()
        let frames = session.frames.subscribe(.every)
        let player = player([
            try recording("empty", frames: [], state: []),
            try recording("state", frames: nil, state: water.state),
            try recording("frames", frames: water.frames, state: nil),
        ], session: session)
        try player.load(0)
        for _ in 0..<10 { player.tick(elapsed: .milliseconds(100)) }
        #expect(session.frames.currentFrame?.frame.values.count == 2, "just the reset")
        try player.load(1)
        player.tick(elapsed: .milliseconds(120))
        #expect(session.state.copyState()["interaction.a"] == ["particles": [1]])
        try player.load(2)
        player.tick(elapsed: .milliseconds(150))
        #expect(session.frames.currentFrame?.index == 1)
        frames.cancel()
        session.close()
    }

    @Test("running, each entry is published when it is due: a 60 Hz recording replays at 60 Hz, not in pairs")
    func replaysAtRecordedRate() async throws {
        defer { cleanUp() }
        let session = NanoverSession()
        let clock = ManualClock()
        let frames = (0..<4).map { (UInt64($0) * 16, #"{"index": \#($0 + 1), "values": {}}"#) }
        let player = RecordingPlayer(
            recordings: [try recording("fast", frames: frames, state: nil)], session: session, decoder: JSONRecordingDecoder(), clock: clock)
        let running = Task { await player.run() }
        await waitUntil("the first frame is out") { session.frames.currentFrame?.index == 1 && clock.sleeperCount == 1 }
        for index in 2...3 {
            clock.advance(by: .milliseconds(16))
            await waitUntil("frame \(index) is out, alone") { session.frames.currentFrame?.index == UInt32(index) && clock.sleeperCount == 1 }
        }
        // The last frame, then at once the reset (counted) and the first
        // frame again: the next loop.
        clock.advance(by: .milliseconds(16))
        await waitUntil("the loop starts again") {
            session.frames.currentFrame?.frame.simulationCounter == 1 && session.frames.currentFrame?.index == 1 && clock.sleeperCount == 1
        }
        running.cancel()
        await running.value
        session.close()
    }

    @Test("a recording loaded while running starts at its start: the time before the load is not played at once")
    func loadWhileRunning() async throws {
        defer { cleanUp() }
        let session = NanoverSession()
        let clock = ManualClock()
        let frames = (0..<4).map { (UInt64($0) * 100, #"{"index": \#($0 + 1), "values": {}}"#) }
        let player = RecordingPlayer(
            recordings: [try recording("slow", frames: frames, state: nil)], session: session, decoder: JSONRecordingDecoder(), clock: clock)
        let running = Task { await player.run() }
        await waitUntil("the first frame is out") { session.frames.currentFrame?.index == 1 && clock.sleeperCount == 1 }
        clock.advance(by: .milliseconds(50))
        try player.load(0)
        #expect(session.frames.currentFrame?.index == 0)
        // The player wakes at 100 ms for what was due then; 50 ms have
        // passed since the load, so only the new start's first frame is.
        clock.advance(by: .milliseconds(60))
        await waitUntil("the reloaded recording's first frame is out, alone") {
            session.frames.currentFrame?.index == 1 && clock.sleeperCount == 1
        }
        running.cancel()
        await running.value
        session.close()
    }

    @Test("paths make a recording by their extensions, named after the first")
    func paths() throws {
        let recording = try PlaybackRecording(paths: ["/data/run.1.traj", "/data/run.1.state"])
        #expect(recording == PlaybackRecording(name: "run.1", framesPath: "/data/run.1.traj", statePath: "/data/run.1.state"))
        #expect(throws: PlaybackError.self) { try PlaybackRecording(paths: ["a.traj", "b.traj"]) }
        #expect(throws: PlaybackError.self) { try PlaybackRecording(paths: ["a.json"]) }
        #expect(throws: PlaybackError.self) { try PlaybackRecording(paths: []) }
        #expect(try PlaybackRecording(paths: ["/data/run.1.nanover.zip"]) == PlaybackRecording(name: "run.1", messagesPath: "/data/run.1.nanover.zip"))
        #expect(throws: PlaybackError.self) { try PlaybackRecording(paths: ["a.nanover.zip", "a.traj"]) }
    }

    @Test("a recording of one file of messages plays each entry's frame and change; a reset removes the keys of entries that may change state")
    func messageTrack() throws {
        let session = NanoverSession()
        let recording = PlaybackRecording(name: "messages", messagesPath: "memory")
        // Timestamps in microseconds.
        let player = RecordingPlayer(recordings: [recording], session: session, opener: MomentsOpener(moments: [
            (0, RecordedMoment(frame: ReceivedFrame(index: 0, frame: Frame(values: ["topology": 1])), change: StateChange(updates: ["avatar.a": 1]))),
            (100_000, RecordedMoment(frame: ReceivedFrame(index: 1, frame: Frame(values: ["step": 1])))),
            (200_000, RecordedMoment(change: StateChange(updates: ["selection.b": 2], removals: ["avatar.a"]))),
            (300_000, RecordedMoment(frame: ReceivedFrame(index: 2, frame: Frame(values: ["step": 2])))),
        ]), clock: ManualClock())
        try player.load(0)
        player.tick(elapsed: .milliseconds(1))
        #expect(session.frames.currentFrame?.frame.values["topology"] == 1)
        #expect(session.state.copyState()["avatar.a"] == 1)
        player.tick(elapsed: .milliseconds(100))
        #expect(session.frames.currentFrame?.index == 1)
        player.tick(elapsed: .milliseconds(100))
        #expect(session.state.copyState()["selection.b"] == 2 && session.state.copyState()["avatar.a"] == nil)
        player.tick(elapsed: .milliseconds(100))
        #expect(session.state.copyState() == ["scene": RecordingPlayer.sceneIdentity], "both keys set went at the reset")
        session.close()
    }

    @Test("a player given only the .traj and .state reader refuses a .nanover.zip, saying so")
    func unsupportedFormat() throws {
        let player = player([PlaybackRecording(name: "z", messagesPath: "z.nanover.zip")], session: NanoverSession())
        #expect(throws: PlaybackError.unsupportedFormat(path: "z.nanover.zip")) { try player.check() }
    }
}

/// One track of moments held in memory, standing for a `.nanover.zip`.
private struct MomentsOpener: RecordingOpener {
    struct Track: RecordingTrack {
        let moments: [(UInt64, RecordedMoment)]
        var path: String { "memory" }
        var count: Int { moments.count }
        func timestamp(at position: Int) -> UInt64 { moments[position].0 }
        func mayChangeState(at position: Int) -> Bool { moments[position].1.change != nil }
        func moment(at position: Int) throws -> RecordedMoment { moments[position].1 }
    }

    let moments: [(UInt64, RecordedMoment)]

    func tracks(of recording: PlaybackRecording) throws(PlaybackError) -> [any RecordingTrack] {
        [Track(moments: moments)]
    }
}
