// swift-tools-version:5.3

import PackageDescription

let package = Package(
  name: "tauri-plugin-tessera",
  platforms: [
    .iOS(.v15)
  ],
  products: [
    .library(
      name: "tauri-plugin-tessera",
      type: .static,
      targets: ["tauri-plugin-tessera"])
  ],
  dependencies: [
    .package(name: "Tauri", path: "../.tauri/tauri-api")
  ],
  targets: [
    .target(
      name: "tauri-plugin-tessera",
      dependencies: [
        .byName(name: "Tauri")
      ],
      path: "Sources")
  ]
)
