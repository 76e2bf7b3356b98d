import Foundation

/// Writes lines to standard output unbuffered, so that a pipe sees each as
/// it comes. A reader that has gone away (`nanover frames watch | head`)
/// ends the command quietly: the write throws ``OutputClosed``, the client
/// closes on the way out, and the exit status is 0.
enum StandardOutput {
    static func writeLine(_ line: String) throws(OutputClosed) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            throw OutputClosed()
        }
    }
}

/// Standard output can no longer be written.
struct OutputClosed: Error {}
