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

/// `--shard K/N`: the K-th (1-based) of N stable subsets of the inputs. Stable whatever
/// else is in the archive (FNV-1a of the path as expanded): a file stays in its shard
/// when other files come or go, and every input is in exactly one shard.
public struct InputShard: Sendable, Equatable {
    public var k: Int
    public var n: Int

    public init?(k: Int, n: Int) {
        guard n >= 1, k >= 1, k <= n else { return nil }
        self.k = k
        self.n = n
    }

    public func contains(_ input: InputSource) -> Bool {
        Int(StableHash.fnv1a(input.displayPath) % UInt64(n)) == k - 1
    }

    /// Positions of this shard's inputs in the full list.
    public func select(_ inputs: [InputSource]) -> [Int] { inputs.indices.filter { contains(inputs[$0]) } }
}

/// A hash that is the same in every process and on every machine (Swift's `Hasher` is
/// seeded per process): for shard selection and for names of saved results.
public enum StableHash {
    /// FNV-1a, 64 bits, over the UTF-8 bytes.
    public static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
