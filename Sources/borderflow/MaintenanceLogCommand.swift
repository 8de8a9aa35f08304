import ArgumentParser
import Foundation
import Reporting

/// `borderflow maintenance-log verify FILE`: whether a retained log is as written.
struct MaintenanceLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance-log",
        abstract: "Check a retained remote-maintenance log.",
        subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that no row of a maintenance log was edited, dropped or reordered.",
            discussion: """
            Each row ends in a SHA-256 of the previous row's hash and its own text, so a \
            changed row breaks the chain where it stands. Exit 0 intact, 1 broken (the \
            first line that does not follow is named), 2 a file that cannot be read. Keep \
            the last hash elsewhere too: rows cut off at the end leave an intact chain.

              borderflow scan --home CN --maintenance-log log.csv --append captures/day-2/
              borderflow maintenance-log verify log.csv
            """)

        @Argument(help: "The maintenance log (CSV).") var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
            switch MaintenanceLog.verify(String(decoding: data, as: UTF8.self)) {
            case .success(let v):
                print("\(file): \(v.rows) sessions, chain intact; last sha256 \(v.last)")
            case .failure(let broken):
                printError("\(file):\(broken.line): \(broken.message)")
                throw ExitCode(1)
            }
        }
    }
}
