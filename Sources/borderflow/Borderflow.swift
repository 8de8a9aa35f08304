import ArgumentParser
import Reporting
import CShims
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

@main
struct Borderflow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "borderflow",
        abstract: "Find the conversations that leave the country in packet captures and flow logs.",
        discussion: """
        borderflow reads pcap, pcapng (LZ4-, gzip- or zstd-compressed too) and NetFlow/IPFIX \
        exports at memory speed, works out which devices talk to servers abroad, with \
        which protocol and what kind of data, and checks each server against the \
        registry of approved overseas servers.

        Start with:
          borderflow scan --home CN --registry registry.yaml plant.pcapng
          borderflow info capture.pcapng          what a capture holds (like capinfos)
          borderflow flows capture.pcapng         flow records as NDJSON
          borderflow geo lookup 8.8.8.8           where the geo sources place an address
          borderflow live -i eth1 --home CN       the same, on a mirror port

        Input formats are recognised from their content, never from the file name. \
        A PATH may be a file, a directory (searched recursively) or - for standard input.

        Exit status: 0 fine; 1 findings at or above --fail-on; 2 usage or configuration \
        error, or an input that could not be read.
        """,
        version: BorderflowVersion.string,
        subcommands: [ScanCommand.self, MergeCommand.self, FlowsCommand.self, Info.self, GeoCommand.self, RegistryCommand.self,
                      SynthCommand.self, LiveCommand.self, DiffCommand.self, MaintenanceLogCommand.self, ServicesCommand.self]
    )

    /// Usage and configuration errors exit 2, as docs/contract.md says (ArgumentParser's own is 64).
    static func main() {
        // Each segment of a capture builds its flow table, handover and stitch arrays
        // afresh (hundreds of KiB each). glibc would map and unmap every one of them,
        // and the kernel zeroes each new page again: keep freed memory in the heap for
        // reuse instead (the resident size stays at its high-water mark).
        bf_keep_freed_memory()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            printError("borderflow: \(failure.description)")
            Glibc.exit(2)
        } catch let failure as ReportFile.Failure {
            printError("borderflow: \(failure.description)")
            Glibc.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}

enum BorderflowVersion {
    static let string = "0.1.0"
}
