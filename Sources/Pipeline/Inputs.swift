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
    /// A directory entry that is not read: a FIFO, socket or device (opening a FIFO
    /// waits for a writer, forever if none comes), or a link that leads nowhere.
    public struct Skipped: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): skipped: \(reason)" }
    }

    /// Expands PATH arguments: files as they are, directories recursively in sorted
    /// order (so reports do not depend on directory listing order), `-` for standard input.
    public static func expand(_ paths: [String]) -> [InputSource] {
        var skipped: [Skipped] = []
        return expand(paths, skipped: &skipped)
    }

    /// As `expand`, and what directories held that is not read (hidden names aside).
    /// A named path that is not a regular file is an unreadable input, not skipped:
    /// it was asked for, and `-` is the way to read a stream.
    public static func expand(_ paths: [String], skipped: inout [Skipped]) -> [InputSource] {
        var out: [InputSource] = []
        for path in paths {
            if path == "-" { out.append(.standardInput); continue }
            switch kind(of: path) {
            case .missing:
                out.append(.unreadable(path, "\(path): no such file or directory"))
            case .regular:
                out.append(.file(path))
            case let .other(what):
                out.append(.unreadable(path, "\(path): \(what), not a regular file (to read a stream, pipe it to `-`: ... | borderflow scan -)"))
            case .directory:
                guard let walker = FileManager.default.enumerator(atPath: path) else {
                    out.append(.unreadable(path, "\(path): cannot list directory"))
                    continue
                }
                var found: [String] = []
                while let relative = walker.nextObject() as? String {
                    if (relative as NSString).lastPathComponent.hasPrefix(".") { continue }
                    let full = path.hasSuffix("/") ? path + relative : path + "/" + relative
                    switch kind(of: full) {
                    case .regular: found.append(full)
                    case .directory: break
                    case .missing: skipped.append(Skipped(path: full, reason: "a symbolic link to nothing"))
                    case let .other(what): skipped.append(Skipped(path: full, reason: what + ", not a regular file"))
                    }
                }
                out.append(contentsOf: found.sorted().map(InputSource.file))
            }
        }
        return out
    }

    enum Kind: Equatable {
        case regular, directory, missing
        case other(String)
    }

    /// What `path` is, following links.
    static func kind(of path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else {
            // Other failures (a directory on the way that may not be searched) are the
            // reader's to report, with its own words.
            return errno == ENOENT || errno == ENOTDIR ? .missing : .regular
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFIFO: return .other("a FIFO")
        case S_IFSOCK: return .other("a socket")
        case S_IFCHR, S_IFBLK: return .other("a device")
        default: return .other("not a file")
        }
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
