/// The commands of a frame source that plays simulations or recordings, by
/// their NanoVer names.
///
/// ``RecordingPlayer/registerCommands()`` registers them on a session; a
/// client calls them by these names over either protocol.
public enum PlaybackCommand {
    /// `playback/play`: plays on from where playback stands.
    public static let play = "playback/play"
    /// `playback/pause`: stops where playback stands.
    public static let pause = "playback/pause"
    /// `playback/reset`: back to the start (a reset frame, index 0).
    public static let reset = "playback/reset"
    /// Pauses, then advances by exactly one step.
    public static let step = "playback/step"
    /// Result `{"simulations": [names]}`.
    public static let list = "playback/list"
    /// Argument `index`: which of ``list``'s simulations to load.
    public static let load = "playback/load"
    /// `playback/next`: loads the next simulation of ``list``, after the
    /// last the first.
    public static let next = "playback/next"
}
