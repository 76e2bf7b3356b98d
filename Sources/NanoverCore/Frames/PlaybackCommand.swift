/// The commands of a frame source that plays simulations or recordings, by
/// their NanoVer names.
public enum PlaybackCommand {
    public static let play = "playback/play"
    public static let pause = "playback/pause"
    public static let reset = "playback/reset"
    /// Pauses, then advances by exactly one step.
    public static let step = "playback/step"
    /// Result `{"simulations": [names]}`.
    public static let list = "playback/list"
    /// Argument `index`: which of ``list``'s simulations to load.
    public static let load = "playback/load"
    public static let next = "playback/next"
}
