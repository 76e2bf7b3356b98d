import NanoverCore
import ServiceLifecycle

/// Plays recordings through the hub's session until a graceful shutdown.
///
/// The player's commands (`playback/play`, `pause`, `step`, `reset`,
/// `list`, `load`, `next`) are registered on its session by
/// ``/NanoverCore/RecordingPlayer/registerCommands()``, called before the
/// service runs.
public struct PlaybackService: Service {
    /// The player, reading its recordings into the session it was made
    /// with.
    public let player: RecordingPlayer

    /// A service running `player`.
    public init(player: RecordingPlayer) {
        self.player = player
    }

    /// Plays until a graceful shutdown, or until the task is cancelled.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await player.run()
        }
    }
}

extension PlaybackRecording {
    /// Recordings from paths given in a row: consecutive paths that share
    /// their name but for the extension (`A.traj A.state`) make one; a
    /// `.nanover.zip` is one by itself.
    ///
    /// - Throws: ``/NanoverCore/PlaybackError/badPaths(_:)``.
    public static func grouping(_ paths: [String]) throws(PlaybackError) -> [PlaybackRecording] {
        var groups: [[String]] = []
        for path in paths {
            if let last = groups.last?.last, withoutExtension(last) == withoutExtension(path),
               !last.hasSuffix(messagesExtension), !path.hasSuffix(messagesExtension) {
                groups[groups.count - 1].append(path)
            } else {
                groups.append([path])
            }
        }
        var recordings: [PlaybackRecording] = []
        for group in groups {
            recordings.append(try PlaybackRecording(paths: group))
        }
        return recordings
    }
}
