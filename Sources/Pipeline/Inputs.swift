import Foundation

/// One input named on the command line, after directories are expanded.
public enum InputSource: Sendable, Equatable {
    case file(String)
    case standardInput
    /// A path that could not be listed or does not exist; reported, never dropped.
    case unreadable(String, String)

    public var displayPath: String {
        switch self {
        case let .file(p): return p
        case .standardInput: return "-"
        case let .unreadable(p, _): return p
        }
    }
}

public enum Inputs {
    /// Expands PATH arguments: files as they are, directories recursively in sorted
    /// order (so reports do not depend on directory listing order), `-` for standard input.
    public static func expand(_ paths: [String]) -> [InputSource] {
        var out: [InputSource] = []
        let fm = FileManager.default
        for path in paths {
            if path == "-" { out.append(.standardInput); continue }
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                out.append(.unreadable(path, "\(path): no such file or directory"))
                continue
            }
            if !isDirectory.boolValue { out.append(.file(path)); continue }
            guard let walker = fm.enumerator(atPath: path) else {
                out.append(.unreadable(path, "\(path): cannot list directory"))
                continue
            }
            var found: [String] = []
            while let relative = walker.nextObject() as? String {
                let full = path.hasSuffix("/") ? path + relative : path + "/" + relative
                var dir: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue,
                   !(relative as NSString).lastPathComponent.hasPrefix(".") {
                    found.append(full)
                }
            }
            out.append(contentsOf: found.sorted().map(InputSource.file))
        }
        return out
    }
}
