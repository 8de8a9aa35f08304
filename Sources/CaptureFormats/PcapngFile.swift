import WireBytes

extension CaptureReader {
    /// Walks blocks until one carries a packet; sections and interfaces update the state
    /// on the way, and blocks of other kinds (statistics, name resolution, custom,
    /// decryption secrets, unknown) are skipped by their length.
    @usableFromInline
    mutating func nextPcapngRecord() -> PacketRecord? {
        while true {
            if pos >= limitPos { stopAtLimit(); return nil }
            if window.count - pos < BlockLayout.minimumLength, !ensure(BlockLayout.minimumLength) {
                finish(remaining: window.count - pos, needed: BlockLayout.minimumLength, layer: .pcapngBlock)
                return nil
            }
            var w = window
            let rawType = w.u32le(pos + BlockLayout.type)
            if rawType == BlockType.sectionHeader {
                // The byte order is only known from the section's own magic.
                guard let big = SectionHeaderBlock.bigEndian(w.view(pos, BlockLayout.minimumLength)) else {
                    stop(.malformed(.pcapngBlock, "section header byte-order magic is neither order", at: streamOffset + SectionHeaderBlock.byteOrderMagic))
                    return nil
                }
                bigEndian = big
            } else if sections == 0 {
                stop(.malformed(.pcapngBlock, "pcapng file does not start with a section header", at: streamOffset))
                return nil
            }
            let big = bigEndian
            let type = bigEndian ? rawType.byteSwapped : rawType
            let length = Int(w.u32(pos + BlockLayout.totalLength, bigEndian: big))
            if length < BlockLayout.minimumLength || length % 4 != 0 {
                stop(.malformed(.pcapngBlock, "block total length is not a multiple of 4 of at least 12", at: streamOffset + BlockLayout.totalLength))
                return nil
            }
            if length > CaptureLimits.maxBlockLength {
                stop(.malformed(.pcapngBlock, "block total length larger than any packet", at: streamOffset + BlockLayout.totalLength))
                return nil
            }
            if w.count - pos < length {
                if !ensure(length) {
                    finish(remaining: window.count - pos, needed: length, layer: .pcapngBlock)
                    return nil
                }
                w = window
            }
            let block = w.view(pos, length)
            if block.u32(length - BlockLayout.trailerLength, bigEndian: big) != UInt32(length) {
                stop(.malformed(.pcapngBlock, "trailing block length differs from the leading one", at: streamOffset + length - BlockLayout.trailerLength))
                return nil
            }
            prefetchAhead()
            let blockOffset = streamOffset
            if pos >= releaseAt { releaseBehind(pos) }
            pos += length

            switch type {
            case BlockType.enhancedPacket:
                if let r = enhancedPacket(block, at: blockOffset) { return r }
            case BlockType.simplePacket:
                if let r = simplePacket(block, at: blockOffset) { return r }
            case BlockType.obsoletePacket:
                if let r = obsoletePacket(block, at: blockOffset) { return r }
            case BlockType.sectionHeader:
                if !sectionHeader(block, at: blockOffset) { return nil }
            case BlockType.interfaceDescription:
                interfaceDescription(block, at: blockOffset)
            default:
                break
            }
        }
    }

    private mutating func sectionHeader(_ block: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard block.count >= SectionHeaderBlock.minimumLength else {
            stop(.malformed(.pcapngBlock, "section header block shorter than 28 bytes", at: offset))
            return false
        }
        let major = block.u16(SectionHeaderBlock.versionMajor, bigEndian: bigEndian)
        let minor = block.u16(SectionHeaderBlock.versionMinor, bigEndian: bigEndian)
        if major != 1 {
            stop(.unsupported(.pcapngBlock, "pcapng major version is not 1", at: offset + SectionHeaderBlock.versionMajor))
            return false
        }
        if sections == 0 { version = (major, minor) }
        sections += 1
        sectionInterfaceBase = interfaces.count
        return true
    }

    private mutating func interfaceDescription(_ block: UnsafeRawBufferPointer, at offset: Int) {
        guard block.count >= InterfaceDescriptionBlock.minimumLength else {
            report(.error, .malformed(.pcapngBlock, "interface description block shorter than 20 bytes", at: offset),
                   note: "interface ignored; its packets are reported")
            return
        }
        if interfaces.count - sectionInterfaceBase >= CaptureLimits.maxInterfacesPerSection {
            report(.error, .malformed(.pcapngBlock, "too many interfaces in one section", at: offset), note: "interface ignored")
            return
        }
        var overrun = false
        let interface = InterfaceDescriptionBlock.parse(block, bigEndian: bigEndian, section: sections - 1,
                                                        optionsOverrun: &overrun)
        if overrun {
            report(.warning, .malformed(.pcapngBlock, "option length runs past its block", at: offset), note: "remaining options ignored")
        }
        interfaces.append(interface)
    }

    /// The global index of a section-local interface id, or nil (reported) if undeclared.
    private mutating func interfaceIndex(_ local: Int, at offset: Int) -> Int? {
        let index = sectionInterfaceBase + local
        if local < 0 || index >= interfaces.count {
            report(.error, .malformed(.pcapngBlock, "packet names an interface that no interface block declared", at: offset),
                   note: "packet skipped")
            return nil
        }
        return index
    }

    private func timestamp(_ block: UnsafeRawBufferPointer, high: Int, low: Int, interface: Int) -> Int64 {
        let units = UInt64(block.u32(high, bigEndian: bigEndian)) << 32 | UInt64(block.u32(low, bigEndian: bigEndian))
        let i = interfaces[interface]
        return i.timestampResolution.nanoseconds(units) &+ i.timestampOffset &* 1_000_000_000
    }

    private mutating func enhancedPacket(_ block: UnsafeRawBufferPointer, at offset: Int) -> PacketRecord? {
        typealias L = EnhancedPacketBlock
        guard block.count >= L.minimumLength else {
            report(.error, .malformed(.pcapngBlock, "enhanced packet block shorter than 32 bytes", at: offset), note: "block skipped")
            return nil
        }
        guard let index = interfaceIndex(Int(block.u32(L.interfaceID, bigEndian: bigEndian)), at: offset) else { return nil }
        let captured = Int(block.u32(L.capturedLength, bigEndian: bigEndian))
        if captured > block.count - L.data - BlockLayout.trailerLength {
            report(.error, .malformed(.pcapngBlock, "captured length runs past its block", at: offset + L.capturedLength), note: "packet skipped")
            return nil
        }
        return PacketRecord(
            data: block.view(L.data, captured),
            originalLength: Int(block.u32(L.originalLength, bigEndian: bigEndian)),
            timestamp: timestamp(block, high: L.timestampHigh, low: L.timestampLow, interface: index),
            linkType: interfaces[index].linkType, interface: index, offset: offset)
    }

    private mutating func simplePacket(_ block: UnsafeRawBufferPointer, at offset: Int) -> PacketRecord? {
        typealias L = SimplePacketBlock
        guard block.count >= L.minimumLength else {
            report(.error, .malformed(.pcapngBlock, "simple packet block shorter than 16 bytes", at: offset), note: "block skipped")
            return nil
        }
        guard let index = interfaceIndex(0, at: offset) else { return nil }
        let original = Int(block.u32(L.originalLength, bigEndian: bigEndian))
        // The captured length is implied: the original, cut to the snap length and the block.
        var captured = min(original, block.count - L.data - BlockLayout.trailerLength)
        let snap = Int(interfaces[index].snapLength)
        if snap > 0 { captured = min(captured, snap) }
        return PacketRecord(data: block.view(L.data, captured), originalLength: original, timestamp: PacketRecord.noTimestamp,
                            linkType: interfaces[index].linkType, interface: index, offset: offset)
    }

    private mutating func obsoletePacket(_ block: UnsafeRawBufferPointer, at offset: Int) -> PacketRecord? {
        typealias L = ObsoletePacketBlock
        guard block.count >= L.minimumLength else {
            report(.error, .malformed(.pcapngBlock, "packet block shorter than 32 bytes", at: offset), note: "block skipped")
            return nil
        }
        guard let index = interfaceIndex(Int(block.u16(L.interfaceID, bigEndian: bigEndian)), at: offset) else { return nil }
        let captured = Int(block.u32(L.capturedLength, bigEndian: bigEndian))
        if captured > block.count - L.data - BlockLayout.trailerLength {
            report(.error, .malformed(.pcapngBlock, "captured length runs past its block", at: offset + L.capturedLength), note: "packet skipped")
            return nil
        }
        return PacketRecord(
            data: block.view(L.data, captured),
            originalLength: Int(block.u32(L.originalLength, bigEndian: bigEndian)),
            timestamp: timestamp(block, high: L.timestampHigh, low: L.timestampLow, interface: index),
            linkType: interfaces[index].linkType, interface: index, offset: offset)
    }
}
