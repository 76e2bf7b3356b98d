import ArgumentParser
import Foundation

@main
struct Nanover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nanover",
        abstract: "Look inside a running NanoVer session: commands, state, locks, frames and interactions.",
        discussion: """
            Exit status: 0 done; 1 the server refused (a key locked by someone else); \
            2 usage error; 3 cannot reach the server; 4 the command failed on the server.
            """,
        subcommands: [
            CommandsCommand.self, RunCommand.self, StateCommand.self, LockCommand.self, UnlockCommand.self,
            FramesCommand.self, InteractCommand.self, RecordCommand.self, RecordingCommand.self, DiscoverCommand.self,
        ]
    )

    @OptionGroup var connection: ConnectionOptions

    /// Runs the command line with NanoVer's exit statuses, and every error as
    /// one line on standard error.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch is OutputClosed {
            Foundation.exit(0)
        } catch let failure as CLIFailure {
            failure.report()
            Foundation.exit(failure.status.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                // --help and friends.
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            CLIFailure(.usage, "\(message(for: error)) (see nanover --help)").report()
            Foundation.exit(ExitStatus.usage.rawValue)
        }
        Foundation.exit(0)
    }
}
