import Foundation
import NanoverCore
import NanoverTestSupport
import Testing

/// The built executables, found beside the test bundle.
enum Programs {
    static var directory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }
}

/// What a finished program did.
struct Outcome: Sendable {
    let status: Int32
    let output: String
    let errors: String
}

/// Runs one of the built programs to its end (see ``run(executable:_:timeout:)``).
func run(_ program: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> Outcome {
    try await run(executable: Programs.url(program), arguments, timeout: timeout)
}

/// Runs an executable to its end; one still running after `timeout` is
/// terminated (its outcome then shows SIGTERM's status), so that a hang
/// fails its test instead of stalling the suite. Both pipes are drained at
/// the same time: a program that fills one pipe's buffer while the other is
/// being read to its end would block, and the reader with it. Blocking reads
/// get threads of their own: Dispatch's global pool is as small as the
/// machine and would starve.
func run(executable: URL, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> Outcome {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try launch(process)
    let ended = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        if ended.wait(timeout: .now() + Double(timeout.components.seconds)) == .timedOut {
            process.terminate()
        }
    }
    let errorData = Box(Data())
    let errorsRead = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        errorData.value = errors.fileHandleForReading.readDataToEndOfFile()
        errorsRead.signal()
    }
    return await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            let out = output.fileHandleForReading.readDataToEndOfFile()
            errorsRead.wait()
            process.waitUntilExit()
            ended.signal()
            continuation.resume(returning: Outcome(
                status: process.terminationStatus,
                output: String(decoding: out, as: UTF8.self),
                errors: String(decoding: errorData.value, as: UTF8.self)))
        }
    }
}

/// Starts `process` with no signal blocked. A child inherits the signal
/// mask of the thread that starts it, and the threads Swift's tasks run on
/// block most signals, SIGTERM among them: a program started from a test
/// would never see the SIGTERM that ends it after its timeout. The thread's
/// own mask is put back afterwards.
func launch(_ process: Process) throws {
    var none = sigset_t()
    var previous = sigset_t()
    sigemptyset(&none)
    pthread_sigmask(SIG_SETMASK, &none, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    try process.run()
}

/// A long-running program whose output lines are collected as they come.
final class RunningProgram: Sendable {
    private let process: Process
    private let lines = Box<[String]>([])
    private let errorText = Box("")
    private let finished = DispatchSemaphore(value: 0)

    convenience init(_ program: String, _ arguments: [String], in directory: URL? = nil) throws {
        try self.init(executable: Programs.url(program), arguments, in: directory)
    }

    init(executable: URL, _ arguments: [String], in directory: URL? = nil) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory {
            process.currentDirectoryURL = directory
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        self.process = process
        try launch(process)
        Thread.detachNewThread { [lines] in
            var pending = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    lines.mutate { $0.append(line) }
                }
            }
        }
        Thread.detachNewThread { [errorText, finished] in
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            errorText.value = String(decoding: data, as: UTF8.self)
            process.waitUntilExit()
            finished.signal()
        }
    }

    var outputLines: [String] { lines.value }
    var errors: String { errorText.value }
    var isRunning: Bool { process.isRunning }
    var processIdentifier: Int32 { process.processIdentifier }

    /// Waits for an output line satisfying `matches` and returns it.
    func waitForLine(_ what: String, _ matches: @escaping (String) -> Bool) async -> String? {
        await waitUntil(what) { outputLines.contains(where: matches) || !isRunning }
        return outputLines.first(where: matches)
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the program to end and returns its exit status.
    func exitStatus(timeout: Duration = .seconds(120)) async -> Int32? {
        let ended = await withCheckedContinuation { continuation in
            Thread.detachNewThread { [finished] in
                let seconds = Double(timeout.components.seconds)
                continuation.resume(returning: finished.wait(timeout: .now() + seconds) == .success)
            }
        }
        if !ended {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            process.terminate()
        }
    }
}

/// A `nanover-server` started on a free port.
struct ServerProcess {
    let program: RunningProgram
    /// The gRPC port.
    let port: Int
    /// The WebSocket (2026 protocol) port; nil with --no-websocket.
    let webSocketPort: Int?

    static func start(_ extra: [String] = [], in directory: URL? = nil) async throws -> ServerProcess {
        let program = try RunningProgram("nanover-server", ["--address", "127.0.0.1", "--port", "0"] + extra, in: directory)
        let line = await program.waitForLine("the server says where it listens") { $0.contains("listening on") }
        guard let line, let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw ProgramError(message: "server did not start: \(program.errors)")
        }
        var webSocketPort: Int?
        if !extra.contains("--no-websocket") {
            let url = await program.waitForLine("the server gives its WebSocket URL") { $0.contains("ws://") }
            webSocketPort = url?.split(separator: ":").last.flatMap { Int($0) }
            guard webSocketPort != nil else { throw ProgramError(message: "no WebSocket URL: \(program.errors)") }
        }
        return ServerProcess(program: program, port: port, webSocketPort: webSocketPort)
    }

    /// Runs `nanover` against this server.
    func cli(_ arguments: [String]) async throws -> Outcome {
        try await run("nanover", ["--port", String(port)] + arguments)
    }

    /// Asks `nanover state get` for `expected`'s keys until they hold its
    /// values, for up to two minutes; whether they came to.
    func waitForState(_ expected: NanoverStruct) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let state = try? NanoverJSON.value(from: try await cli(["state", "get"] + expected.keys.sorted()).output)
            if state == .structure(expected) { return true }
        }
        return false
    }

    /// Pauses playback, resets it, and steps until the merged frame has
    /// particles, at most `steps` times: that frame, as `frames get` prints
    /// it (a recording's first frame may come after a state entry or two).
    func firstPlayedFrame(steps: Int = 3) async throws -> NanoverValue {
        #expect(try await cli(["run", "playback/pause"]).status == 0)
        #expect(try await cli(["run", "playback/reset"]).status == 0)
        var frame: NanoverValue = [:]
        for _ in 0..<steps where frame["particle_count"]?.intValue == nil {
            #expect(try await cli(["run", "playback/step"]).status == 0)
            frame = try NanoverJSON.value(from: try await cli(["frames", "get"]).output)
        }
        return frame
    }

    /// Watches the latest frames until one with an index after `first`, up
    /// to `last`, comes: playback moves on.
    func waitForPlayedIndex(after first: Int, through last: Int) async throws {
        let watcher = try RunningProgram("nanover", ["--port", String(port), "frames", "watch", "--latest"])
        await waitUntil("playback moves on") {
            watcher.outputLines.compactMap { try? NanoverJSON.value(from: $0)["index"]?.intValue }.contains { $0 > first && $0 <= last }
        }
        watcher.signal(SIGINT)
        #expect(await watcher.exitStatus() == 0)
    }

    /// Stops the server with SIGTERM and returns its exit status.
    func stop(signal: Int32 = SIGTERM) async -> Int32? {
        program.signal(signal)
        return await program.exitStatus()
    }
}

struct ProgramError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
