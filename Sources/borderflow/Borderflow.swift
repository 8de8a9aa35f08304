import ArgumentParser

@main
struct Borderflow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "borderflow",
        abstract: "Find the conversations that leave the country in packet captures and flow logs.",
        discussion: """
        borderflow reads pcap, pcapng (LZ4- or gzip-compressed too) and NetFlow/IPFIX \
        exports at memory speed, works out which devices talk to servers abroad, with \
        which protocol and what kind of data, and checks each server against the \
        registry of approved overseas servers.

        Start with:
          borderflow info capture.pcapng          what a capture holds (like capinfos)
          borderflow info --format json DIR/      every capture under DIR, as JSON

        Input formats are recognised from their content, never from the file name. \
        A PATH may be a file, a directory (searched recursively) or - for standard input.
        """,
        version: BorderflowVersion.string,
        subcommands: [ScanCommand.self, FlowsCommand.self, Info.self, RegistryCommand.self, SynthCommand.self]
    )
}

enum BorderflowVersion {
    static let string = "0.1.0"
}
