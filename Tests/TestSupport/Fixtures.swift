import Foundation
import Testing

/// Where the third-party fixtures are: `../shared/fixtures` from the package root.
/// Tests that read them are enabled only when the folder is there, and say so.
public enum Fixtures {
    public static let packageRoot: String = URL(fileURLWithPath: #filePath)   // Tests/TestSupport/Fixtures.swift
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    public static let root: String = URL(fileURLWithPath: packageRoot).deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures").path
    public static let available = FileManager.default.fileExists(atPath: root + "/files.tsv")
    public static let skipMessage: Comment = "third-party fixtures not present at ../shared/fixtures (see README: Set-up)"
    public static let netflow = root + "/netflow/"
}
