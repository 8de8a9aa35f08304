// swift-tools-version: 6.1
import PackageDescription

// Linux only: the sources use Glibc (stat's st_mtim, mmap, madvise, signals) and
// libpcap, libcrypto, liblz4 and zlib through pkg-config (scripts/install-deps.sh).
let package = Package(
    name: "borderflow",
    products: [
        .executable(name: "borderflow", targets: ["borderflow"]),
        .library(name: "BorderflowKit", targets: ["Pipeline", "CaptureFormats", "Packets", "Flows", "FlowLogs", "Inspection", "ServerRegistry", "Policy", "Geo", "PlantSynth", "WireBytes", "Verdicts", "Reporting", "Setup", "Networks", "Services"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries, found through pkg-config (Debian: liblz4-dev, zlib1g-dev, libpcap-dev).
        .systemLibrary(name: "CLz4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        // OpenSSL 3's libcrypto: QUIC Initial keys and the registry digest (Debian: libssl-dev).
        .systemLibrary(name: "CLoc", pkgConfig: "libloc", providers: [.apt(["libloc-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "CShims"),

        .target(name: "WireBytes", dependencies: ["CShims"]),
        // The values verdicts take (app, category, registry status, rule, severity).
        .target(name: "Verdicts"),
        .target(name: "CaptureFormats", dependencies: ["WireBytes", "CLz4", "CZlib", "CZstd", "CShims"]),
        .target(name: "Packets", dependencies: ["WireBytes"]),
        .target(name: "FlowLogs", dependencies: ["WireBytes"]),
        .target(name: "Flows", dependencies: ["WireBytes", "Verdicts", "Inspection", "Packets"]),
        .target(name: "Inspection", dependencies: [
            "WireBytes", "Verdicts", "COpenSSL",
        ]),
        .target(name: "ServerRegistry", dependencies: ["WireBytes", "Verdicts", "COpenSSL", .product(name: "Yams", package: "Yams")]),
        .target(name: "PlantSynth", dependencies: ["WireBytes", "CaptureFormats"]),
        .target(name: "Geo", dependencies: ["WireBytes", "CaptureFormats"]),
        .target(name: "Networks", dependencies: ["WireBytes", "Geo", "CLoc"]),
        .target(name: "Services", dependencies: ["WireBytes", "Verdicts", "ServerRegistry", .product(name: "Yams", package: "Yams")],
                resources: [.embedInCode("services.yaml")]),
        .target(name: "Policy", dependencies: ["WireBytes", "Verdicts", "Flows", "ServerRegistry", "Services"]),
        .target(name: "Pipeline", dependencies: ["WireBytes", "Verdicts", "CaptureFormats", "Packets", "Flows", "FlowLogs", "Inspection", "Policy"]),
        .target(name: "Reporting", dependencies: ["WireBytes", "Geo", "Networks", "Verdicts", "CaptureFormats", "Flows", "Inspection", "Policy", "Pipeline", "ServerRegistry"]),
        // Setting up a run: the config file, geo sources, the registry into a `Policy`.
        .target(name: "Setup", dependencies: ["Geo", "Networks", "Policy", "Reporting", "ServerRegistry", "Services", "Verdicts", "WireBytes", .product(name: "Yams", package: "Yams")]),
        // `borderflow live`: libpcap capture into the packet pipeline, pcapng(.lz4) archives.
        .target(name: "Live", dependencies: ["CPcap", "CaptureFormats", "WireBytes", "Verdicts", "Pipeline", "Policy", "Reporting"]),
        .executableTarget(name: "borderflow", dependencies: [
            "Pipeline", "Reporting", "CaptureFormats", "ServerRegistry", "Flows", "Geo", "Policy", "WireBytes", "Verdicts", "PlantSynth", "Live", "Setup", "Services", "CShims",
            .product(name: "Yams", package: "Yams"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared by the test targets only: where the fixtures are.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "WireBytesTests", dependencies: ["WireBytes"]),
        .testTarget(name: "CaptureFormatsTests", dependencies: ["TestSupport", "CaptureFormats", "WireBytes", "CLz4", "CZlib", "CZstd"]),
        .testTarget(name: "PacketsTests", dependencies: ["TestSupport", "Packets", "CaptureFormats", "WireBytes"]),
        .testTarget(name: "FlowLogsTests", dependencies: ["TestSupport", "FlowLogs", "CaptureFormats", "Packets", "WireBytes"]),
        .testTarget(name: "FlowsTests", dependencies: ["Verdicts", "Flows", "WireBytes", "Inspection"]),
        .testTarget(name: "InspectionTests", dependencies: ["TestSupport", "Verdicts", "Inspection", "WireBytes"]),
        .testTarget(name: "NetworksTests", dependencies: ["TestSupport", "Networks", "WireBytes"]),
        .testTarget(name: "GeoTests", dependencies: ["TestSupport", "Geo", "WireBytes"]),
        .testTarget(name: "ServerRegistryTests", dependencies: ["Verdicts", "ServerRegistry", "WireBytes"]),
        .testTarget(name: "ServicesTests", dependencies: ["Verdicts", "Services", "ServerRegistry"]),
        .testTarget(name: "LiveTests", dependencies: ["Verdicts", "TestSupport", "Live", "CaptureFormats", "Pipeline", "Policy", "Reporting", "WireBytes"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Setup", "Verdicts", "TestSupport", "Pipeline", "Reporting", "CaptureFormats", "Flows", "Geo", "Policy", "ServerRegistry", "PlantSynth", "WireBytes", "Inspection", "Packets", "Networks", "Services"],
                    exclude: ["Scenarios", "Golden"]),  // expected outputs, read by path
    ]
)
