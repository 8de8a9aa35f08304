// swift-tools-version: 6.1
// Benchmarks live in their own package so that the main build and CI never build
// the benchmark harness. Run: cd Benchmarks && swift package benchmark
import PackageDescription

let package = Package(
    name: "borderflow-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "borderflow", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Stages",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BorderflowKit", package: "borderflow"),
            ],
            path: "Benchmarks/Stages",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "CaptureReading",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BorderflowKit", package: "borderflow"),
            ],
            path: "Benchmarks/CaptureReading",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
