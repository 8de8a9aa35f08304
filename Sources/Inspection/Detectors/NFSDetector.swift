import Verdicts
import WireBytes

/// NFS and its companions over ONC RPC (NFS, mount, portmapper/rpcbind, lock manager,
/// status monitor, NFS ACL, remote quota): a call with RPC version 2, one of these
/// programs at a version it has, a small procedure number, and a credential and
/// verifier of a known flavor and sane length. On TCP the message follows the record
/// mark (last-fragment bit, fragment length). A well-formed reply counts on the NFS and
/// portmapper ports; elsewhere it waits for a call.
enum NFSDetector: ProtocolDetector {
    static let app = AppProtocol.nfs
    static let transports: [Transport] = [.udp, .tcp]

    enum Kind { case call, reply, short, invalid }

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        let n = b.count
        var start = 0
        var recordEnd = n
        if p.transport == .tcp {
            // Record mark: a fragment of 24 bytes to 1 MiB.
            if n >= 1, b[0] & 0x7F != 0 { return .excluded }
            if n >= 2, b[1] > 0x10 { return .excluded }
            guard n >= 4 else { return .needMore }
            let fragment = Int(b.u32be(0) & 0x7FFF_FFFF)
            guard fragment >= 24, fragment <= 1 << 20 else { return .excluded }
            start = 4
            recordEnd = 4 + fragment
        }
        switch classify(b, at: start) {
        case .call: return .detected(.nfs)
        case .reply: return p.usesPort(2049) || p.usesPort(111) ? .detected(.nfs) : .needMore
        case .short: return p.transport == .tcp && n < recordEnd ? .needMore : .excluded
        case .invalid: return .excluded
        }
    }

    /// The highest version of each program, or nil for another program.
    static func maxVersion(program: UInt32) -> UInt32? {
        switch program {
        case 100_000: return 4  // portmapper / rpcbind
        case 100_003: return 4  // NFS
        case 100_005: return 3  // mount
        case 100_021: return 4  // network lock manager
        case 100_024: return 1  // status monitor
        case 100_227: return 3  // NFS ACL
        case 100_011: return 2  // remote quota
        default: return nil
        }
    }

    /// AUTH_NONE, AUTH_SYS, AUTH_SHORT, AUTH_DH, RPCSEC_GSS.
    static func isFlavor(_ flavor: UInt32) -> Bool {
        flavor <= 3 || flavor == 6
    }

    static func classify(_ b: UnsafeRawBufferPointer, at o: Int) -> Kind {
        let n = b.count
        guard n >= o + 8 else { return .short }
        let type = b.u32be(o + 4)
        if type == 1 { return reply(b, at: o) }
        guard type == 0 else { return .invalid }
        guard n >= o + 12 else { return .short }
        guard b.u32be(o + 8) == 2 else { return .invalid }
        guard n >= o + 20 else { return .short }
        guard let highest = maxVersion(program: b.u32be(o + 12)) else { return .invalid }
        let version = b.u32be(o + 16)
        guard version >= 1, version <= highest else { return .invalid }
        guard n >= o + 32 else { return .short }
        guard b.u32be(o + 20) <= 32, isFlavor(b.u32be(o + 24)) else { return .invalid }
        let credential = b.u32be(o + 28)
        guard credential <= 400 else { return .invalid }
        let verifier = o + 32 + ((Int(credential) + 3) & ~3)
        guard n >= verifier + 8 else { return .short }
        guard isFlavor(b.u32be(verifier)), b.u32be(verifier + 4) <= 400 else { return .invalid }
        return .call
    }

    /// A reply: accepted (a verifier, then an accept status 0–5) or denied (version
    /// mismatch or an authentication error).
    static func reply(_ b: UnsafeRawBufferPointer, at o: Int) -> Kind {
        let n = b.count
        guard n >= o + 12 else { return .short }
        let status = b.u32be(o + 8)
        if status == 1 {
            guard n >= o + 16 else { return .short }
            return b.u32be(o + 12) <= 1 ? .reply : .invalid
        }
        guard status == 0 else { return .invalid }
        guard n >= o + 20 else { return .short }
        guard isFlavor(b.u32be(o + 12)) else { return .invalid }
        let verifier = b.u32be(o + 16)
        guard verifier <= 400 else { return .invalid }
        let accept = o + 20 + ((Int(verifier) + 3) & ~3)
        guard n >= accept + 4 else { return .short }
        return b.u32be(accept) <= 5 ? .reply : .invalid
    }
}
