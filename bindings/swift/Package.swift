// swift-tools-version:5.9
// The Swift package of recovery-core. `bindings/test.sh` generates Sources/ from the built Rust
// library (RecoveryCore.swift, and RecoveryCoreFFI.h with its module.modulemap); it is not
// committed. Build the library first, then, on a machine with a Swift toolchain:
//
//   bindings/test.sh                      # or at least its build and generate steps
//   cd bindings/swift && swift test -Xlinker -L../../target/debug
//
// For iOS, build the `staticlib` for each target triple and wrap it in an XCFramework instead.
import PackageDescription

let package = Package(
    name: "RecoveryCore",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "RecoveryCore", targets: ["RecoveryCore"]),
    ],
    targets: [
        // The C declarations of the Rust library's exported functions; its module map links
        // `librecovery_ffi`.
        .systemLibrary(name: "RecoveryCoreFFI", path: "Sources/RecoveryCoreFFI"),
        .target(
            name: "RecoveryCore",
            dependencies: ["RecoveryCoreFFI"],
            path: "Sources/RecoveryCore"
        ),
        .testTarget(
            name: "RecoveryCoreTests",
            dependencies: ["RecoveryCore"],
            path: "Tests/RecoveryCoreTests"
        ),
    ]
)
