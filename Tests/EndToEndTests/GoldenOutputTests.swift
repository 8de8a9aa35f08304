import Foundation
import Testing

/// The bundled example's outputs in every format (scan, the maintenance log, flows,
/// info) are byte for byte the reviewed ones in `Golden/`. `scripts/golden.sh`
/// regenerates them after an intended change; this runs its `--check`.
@Suite struct GoldenOutputTests {
    @Test(.enabled(if: HostileInputTests.built, "borderflow is not built"))
    func everyFormatMatchesItsGoldenFile() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [Package.root + "/scripts/golden.sh", "--check"]
        var env = ProcessInfo.processInfo.environment
        env["BORDERFLOW"] = HostileInputTests.binary
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "outputs differ from Tests/EndToEndTests/Golden (scripts/golden.sh regenerates them):\n\(text)")
    }
}
