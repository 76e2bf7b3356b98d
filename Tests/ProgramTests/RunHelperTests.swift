import Foundation
import Testing

/// The helper that runs programs for the other tests.
@Suite("run")
struct RunHelperTests {
    @Test("a program that fills its error pipe before it writes its output runs to its end")
    func fullErrorPipe() async throws {
        // 256 KiB on standard error, more than a pipe's buffer holds, before
        // one line on standard output: were the pipes read one after the
        // other, the program would block on the first and the helper on the
        // second, until the timeout ended the program.
        let outcome = try await run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "head -c 262144 /dev/zero >&2; echo done"])
        #expect(outcome.status == 0)
        #expect(outcome.output == "done\n")
        #expect(outcome.errors.utf8.count == 262144)
    }

    @Test("a program still running after its timeout is terminated")
    func hungProgram() async throws {
        // The program would sleep for ten minutes; only the helper's SIGTERM
        // ends it. (exec makes sleep the program itself: a shell killed
        // first would leave its child holding the pipes open.)
        let outcome = try await run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "exec sleep 600"], timeout: .seconds(1))
        #expect(outcome.status == SIGTERM)
    }
}
