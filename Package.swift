// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "skiff",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "apiserver", targets: ["apiserver"]),
        .executable(name: "skiffctl", targets: ["skiffctl"]),
        .executable(name: "endpoints-controller", targets: ["endpoints-controller"]),
        .executable(name: "coredns-controller", targets: ["coredns-controller"]),
        .executable(name: "kube-proxy", targets: ["kube-proxy"]),
        .executable(name: "kubelet", targets: ["kubelet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
    ],
    targets: [
        // System libraries, found through pkg-config (Debian: libzmq3-dev, libyaml-dev, libsqlite3-dev).
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Libraries: all the logic lives here.
        .target(name: "SkiffYAML", dependencies: ["CYAML"], swiftSettings: strict),
        .target(name: "SkiffAPI", dependencies: ["SkiffYAML"], swiftSettings: strict),
        // JSON coding that gives Foundation's bytes and values, faster (the apiserver's and informers' hot path).
        .target(name: "SkiffJSON", swiftSettings: strict),
        .target(
            name: "SkiffMessaging",
            dependencies: ["CZeroMQ", "SkiffAPI", "SkiffJSON", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(name: "SkiffStore", dependencies: ["CSQLite"], swiftSettings: strict),
        .target(
            name: "APIServer",
            dependencies: [
                "SkiffAPI", "SkiffJSON", "SkiffMessaging", "SkiffStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(
            name: "EndpointsController",
            dependencies: [
                "SkiffAPI", "SkiffMessaging",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(name: "SkiffDNS", dependencies: ["SkiffAPI"], swiftSettings: strict),
        .target(
            name: "ClusterDNS",
            dependencies: [
                "SkiffDNS", "SkiffAPI", "SkiffMessaging", "SkiffMetrics",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(
            name: "SkiffMetrics",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(
            name: "NodeProxy",
            dependencies: [
                "SkiffAPI", "SkiffMessaging", "SkiffMetrics",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(
            name: "Kubelet",
            dependencies: [
                "SkiffAPI", "SkiffMessaging",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(
            name: "SkiffCommand",
            dependencies: [
                "SkiffMessaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Test doubles shared by the test targets (a manual clock, a seeded random generator).
        .target(name: "SkiffTesting", swiftSettings: strict),
        .target(name: "SkiffCLI", dependencies: ["SkiffAPI", "SkiffYAML", "SkiffMessaging"], swiftSettings: strict),

        // Executables: flags, wiring, signals.
        .executableTarget(
            name: "apiserver",
            dependencies: [
                "APIServer", "SkiffCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "skiffctl",
            dependencies: ["SkiffCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),

        .executableTarget(
            name: "endpoints-controller",
            dependencies: [
                "EndpointsController", "SkiffCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "coredns-controller",
            dependencies: [
                "ClusterDNS", "SkiffCommand", "SkiffMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "kube-proxy",
            dependencies: [
                "NodeProxy", "SkiffCommand", "SkiffMetrics",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "kubelet",
            dependencies: [
                "Kubelet", "SkiffCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "skiff-bench",
            dependencies: ["SkiffMessaging", "SkiffJSON", "NodeProxy", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/skiff-bench",
            swiftSettings: strict),

        .testTarget(name: "SkiffYAMLTests", dependencies: ["SkiffYAML"]),
        .testTarget(name: "SkiffAPITests", dependencies: ["SkiffAPI"]),
        .testTarget(name: "SkiffJSONTests", dependencies: ["SkiffJSON", "SkiffAPI", "SkiffTesting"]),
        .testTarget(name: "SkiffMessagingTests", dependencies: ["SkiffMessaging", "SkiffTesting"]),
        .testTarget(name: "SkiffStoreTests", dependencies: ["SkiffStore"]),
        .testTarget(name: "APIServerTests", dependencies: ["APIServer"]),
        .testTarget(name: "SkiffCLITests", dependencies: ["SkiffCLI"]),
        .testTarget(name: "EndpointsControllerTests", dependencies: ["EndpointsController"]),
        .testTarget(name: "SkiffDNSTests", dependencies: ["SkiffDNS", "SkiffTesting"]),
        .testTarget(name: "ClusterDNSTests", dependencies: ["ClusterDNS"]),
        .testTarget(name: "SkiffMetricsTests", dependencies: ["SkiffMetrics"]),
        .testTarget(name: "NodeProxyTests", dependencies: ["NodeProxy", "SkiffTesting"]),
        .testTarget(name: "KubeletTests", dependencies: ["Kubelet"]),
        .testTarget(
            name: "E2ETests",
            dependencies: ["SkiffAPI", "SkiffMessaging", "SkiffYAML", .product(name: "Subprocess", package: "swift-subprocess")]),
    ]
)
