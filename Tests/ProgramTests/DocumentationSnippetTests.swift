import Foundation
import Testing

/// The code the DocC articles show comes from `Snippets/`: `swift build`
/// compiles each snippet into a program of its own name, and this suite runs
/// every one of them, so an article's example cannot silently stop working.
/// A snippet checks what it shows with `precondition`s in its hidden lines;
/// a failed check ends it with a trap, not status 0.
@Suite("documentation snippets")
struct DocumentationSnippetTests {
    /// The snippet sources, by name, read from the package's `Snippets/`.
    static let snippets: [String] = {
        let directory = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Snippets")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".swift") }.map { String($0.dropLast(".swift".count)) }.sorted()
    }()

    @Test("the package has snippets to run")
    func found() {
        #expect(!Self.snippets.isEmpty)
    }

    @Test("every snippet runs to its end and exits 0", arguments: snippets)
    func runs(_ snippet: String) async throws {
        let executable = Programs.url(snippet)
        try #require(FileManager.default.isExecutableFile(atPath: executable.path), "snippet \(snippet) was not built")
        let outcome = try await run(executable: executable, [], timeout: .seconds(120))
        #expect(outcome.status == 0, "\(snippet): \(outcome.errors)")
    }
}
