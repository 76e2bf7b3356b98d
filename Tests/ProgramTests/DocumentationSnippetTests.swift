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
        let directory = packageRoot.appendingPathComponent("Snippets")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".swift") }.map { String($0.dropLast(".swift".count)) }.sorted()
    }()

    @Test("the package has snippets to run")
    func found() {
        #expect(!Self.snippets.isEmpty)
    }

    /// The lines of a snippet that DocC shows: those after `// snippet.show`
    /// and before `// snippet.hide`, slice markers left out.
    static func shownLines(of snippet: String) throws -> [String] {
        let source = try String(contentsOf: packageRoot.appendingPathComponent("Snippets/\(snippet).swift"), encoding: .utf8)
        var shown: [String] = []
        var showing = false
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            switch line.trimmingCharacters(in: .whitespaces) {
            case "// snippet.show": showing = true
            case "// snippet.hide": showing = false
            case let marker where marker.hasPrefix("// snippet."): continue
            default: if showing { shown.append(String(line)) }
            }
        }
        while shown.last?.isEmpty == true { shown.removeLast() }
        return shown
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test("the README's first example is the ServeAndConnect snippet as DocC shows it, so it runs too")
    func readmeExample() throws {
        let readme = try String(contentsOf: Self.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let block = "```swift\n" + (try Self.shownLines(of: "ServeAndConnect")).joined(separator: "\n") + "\n```"
        #expect(readme.contains("## Embed a server, use a client\n\n" + block))
    }

    @Test("every snippet runs to its end and exits 0", arguments: snippets)
    func runs(_ snippet: String) async throws {
        let executable = Programs.url(snippet)
        try #require(FileManager.default.isExecutableFile(atPath: executable.path), "snippet \(snippet) was not built")
        let outcome = try await run(executable: executable, [], timeout: .seconds(120))
        #expect(outcome.status == 0, "\(snippet): \(outcome.errors)")
    }
}
