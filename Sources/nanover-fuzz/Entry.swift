import Foundation
import SeededRandom
#if NANOVER_LIBFUZZER
import CLibFuzzer
#endif

private let harness = FuzzHarness()

/// libFuzzer's callback: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func nanoverFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    harness.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if NANOVER_LIBFUZZER
/// Built with `-sanitize=fuzzer`: hands over to libFuzzer's driver. (The
/// package manager makes `main` an alias of this entry point, whose name it
/// chooses, so libFuzzer's own `main` cannot be the one.)
@_cdecl("nanover_fuzz_main")
public func libFuzzerEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { nanoverFuzzOneInput($0, $1) }
}
#else
/// Without libFuzzer: a seeded random mutator over valid requests, so the
/// same harness runs with any toolchain. Usage: nanover-fuzz [RUNS] [SEED]
/// [SECONDS] (whichever limit comes first), or nanover-fuzz --write-seeds
/// DIRECTORY to give libFuzzer a corpus.
@main
struct RandomMutationFuzzer {
    static func main() throws {
        let arguments = CommandLine.arguments
        if arguments.count == 3, arguments[1] == "--write-seeds" {
            for (index, seed) in FuzzSeeds.all.enumerated() {
                try Data(seed).write(to: URL(fileURLWithPath: arguments[2]).appendingPathComponent("seed-\(index)"))
            }
            return
        }
        let runs = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
        let seed = arguments.count > 2 ? UInt64(arguments[2]) ?? 1 : 1
        let deadline = arguments.count > 3 ? Double(arguments[3]).map { Date().addingTimeInterval($0) } : nil
        var generator = SeededGenerator(seed: seed)
        let seeds = FuzzSeeds.all
        for run in 0..<runs {
            if let deadline, run % 1000 == 0, Date() > deadline {
                break
            }
            var input = seeds.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 0...8, using: &generator) {
                mutate(&input, using: &generator)
            }
            input.withUnsafeBytes { harness.run($0) }
        }
        print("nanover-fuzz: \(harness.executions) executions, \(harness.accepted) requests accepted, seed \(seed), no crash")
    }

    private static func mutate(_ input: inout [UInt8], using generator: inout SeededGenerator) {
        guard !input.isEmpty else {
            input = [UInt8.random(in: 0...255, using: &generator)]
            return
        }
        let index = Int.random(in: 0..<input.count, using: &generator)
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: input[index] = UInt8.random(in: 0...255, using: &generator)
        case 1: input[index] ^= 1 << UInt8.random(in: 0...7, using: &generator)
        case 2: input.insert(UInt8.random(in: 0...255, using: &generator), at: index)
        case 3: input.remove(at: index)
        default:
            let end = min(input.count, index + Int.random(in: 1...16, using: &generator))
            input.insert(contentsOf: input[index..<end], at: Int.random(in: 0...input.count, using: &generator))
        }
    }
}
#endif
