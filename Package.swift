// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "nanover-swift",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "NanoverCore", targets: ["NanoverCore"]),
        .library(name: "NanoverProtocol", targets: ["NanoverProtocol"]),
        .library(name: "NanoverGRPC", targets: ["NanoverGRPC"]),
        .library(name: "NanoverTesting", targets: ["NanoverTesting"]),
        .library(name: "NanoverMessagePack", targets: ["NanoverMessagePack"]),
        .library(name: "NanoverDiscovery", targets: ["NanoverDiscovery"]),
        .library(name: "NanoverWebSocket", targets: ["NanoverWebSocket"]),
        .library(name: "NanoverHub", targets: ["NanoverHub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Builds the DocC catalogs (scripts/docs); no library depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "NanoverProtocol",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(name: "NanoverCore", dependencies: [.product(name: "Metrics", package: "swift-metrics")]),
        .target(name: "NanoverMessagePack"),
        .target(
            name: "NanoverWebSocket",
            dependencies: [
                "NanoverCore",
                "NanoverMessagePack",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .target(
            name: "NanoverDiscovery",
            dependencies: [
                "NanoverCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(name: "NanoverTesting", dependencies: ["NanoverCore"]),
        .target(
            name: "NanoverGRPC",
            dependencies: [
                "NanoverCore",
                "NanoverDiscovery",
                "NanoverProtocol",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "NanoverHub",
            dependencies: [
                "NanoverCore",
                "NanoverGRPC",
                "NanoverWebSocket",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "nanover-server",
            dependencies: [
                "NanoverCore",
                "NanoverDiscovery",
                "NanoverGRPC",
                "NanoverHub",
                "NanoverWebSocket",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "nanover",
            dependencies: [
                "NanoverCore",
                "NanoverDiscovery",
                "NanoverGRPC",
                "NanoverHub",
                "NanoverWebSocket",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "nanover-circle",
            dependencies: [
                "NanoverCore",
                "NanoverGRPC",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "nanover-bench",
            dependencies: [
                "NanoverGRPC",
                "NanoverProtocol",
                "NanoverCore",
                "NanoverMessagePack",
                "NanoverWebSocket",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "CLibFuzzer"),
        .target(name: "SeededRandom"),
        .executableTarget(
            name: "nanover-fuzz",
            dependencies: [
                "CLibFuzzer",
                "SeededRandom",
                "NanoverCore",
                "NanoverTesting",
                "NanoverGRPC",
                "NanoverProtocol",
                "NanoverMessagePack",
                "NanoverWebSocket",
                "NanoverDiscovery",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(name: "NanoverTestSupport", dependencies: ["NanoverCore", "NanoverTesting", "SeededRandom"], path: "Tests/NanoverTestSupport"),
        .testTarget(
            name: "NanoverMessagePackTests",
            dependencies: ["NanoverMessagePack", "NanoverWebSocket", "NanoverCore", "SeededRandom"]
        ),
        .testTarget(
            name: "NanoverDiscoveryTests",
            dependencies: [
                "NanoverDiscovery",
                "NanoverCore",
                "NanoverGRPC",
                "NanoverTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "NanoverCoreTests",
            dependencies: [
                "NanoverCore",
                "NanoverTesting",
                "NanoverTestSupport",
            ]
        ),
        .testTarget(
            name: "NanoverGRPCTests",
            dependencies: [
                "NanoverCore",
                "NanoverGRPC",
                "NanoverProtocol",
                "NanoverTesting",
                "NanoverTestSupport",
                "SeededRandom",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            // The .proto of the test-only services; their generated code is
            // in Generated/.
            exclude: ["Protos"]
        ),
        .testTarget(
            name: "NanoverHubTests",
            dependencies: [
                "NanoverHub",
                "NanoverTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "NanoverWebSocketTests",
            dependencies: [
                "NanoverCore",
                "NanoverGRPC",
                "NanoverWebSocket",
                "NanoverMessagePack",
                "NanoverTestSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ProgramTests",
            dependencies: [
                "nanover-server",
                "nanover",
                "nanover-bench",
                "nanover-circle",
                "NanoverCore",
                "NanoverDiscovery",
                "NanoverWebSocket",
                "NanoverTestSupport",
            ]
        ),
    ]
)
