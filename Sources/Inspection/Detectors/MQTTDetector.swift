import Verdicts
import WireBytes

/// MQTT 3.1/3.1.1/5: CONNECT with the protocol name, or CONNACK/PUBLISH on the MQTT
/// port; PUBLISH topics that name firmware or OTA mark a firmware update.
enum MQTTDetector: ProtocolDetector {
    static let app = AppProtocol.mqtt
    static let transports: [Transport] = [.tcp]

    /// The fixed header's remaining length (1–4 byte varint) and where the body starts.
    static func remainingLength(_ b: UnsafeRawBufferPointer) -> (Int, Int)? {
        var value = 0, shift = 0, i = 1
        while i < b.count, i <= 4 {
            let byte = Int(b[i])
            value |= (byte & 0x7F) << shift
            i += 1
            if byte & 0x80 == 0 { return (value, i) }
            shift += 7
        }
        return nil
    }

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 2 else { return .needMore }
        let type = b[0] >> 4
        guard let (length, body) = remainingLength(b) else { return b.count < 5 ? .needMore : .excluded }
        switch type {
        case 1:  // CONNECT: protocol name "MQTT" (level 4/5) or "MQIsdp" (level 3)
            guard b[0] & 0x0F == 0 else { return .excluded }
            if b.hasBytes("\u{0}\u{4}MQTT", at: body) || b.hasBytes("\u{0}\u{6}MQIsdp", at: body) { return .detected(.mqtt) }
            return b.count < body + 8 ? .needMore : .excluded
        case 2:  // CONNACK: remaining length 2 (3.1.1) or more (5)
            return (length >= 2 && b[0] == 0x20 && p.usesPort(1883)) ? .detected(.mqtt) : .excluded
        case 3:  // PUBLISH: topic length, topic
            guard b.count >= body + 2 else { return .excluded }
            let topicLength = Int(b[body]) << 8 | Int(b[body + 1])
            guard topicLength > 0, body + 2 + topicLength <= b.count, topicLength + 2 <= length else { return .excluded }
            let topicBytes = UnsafeRawBufferPointer(rebasing: b[body + 2 ..< body + 2 + topicLength])
            // Off the MQTT ports, ask for a message that fills the segment exactly and a
            // printable topic: a PUBLISH header is otherwise too plain to trust.
            if !(p.usesPort(1883) || p.usesPort(8883)) {
                guard body + length == b.count, topicBytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return .excluded }
            }
            let topic = String(decoding: topicBytes, as: UTF8.self)
            if CategoryRules.namesFirmware(topic) || topic.lowercased().contains("ota") { f.category = .firmwareUpdate }
            return .detected(.mqtt)
        case 4 where b.count == 4 && length == 2:  // PUBACK
            return p.usesPort(1883) || p.index > 0 ? .detected(.mqtt) : .needMore
        case 12 where b.count == 2 && length == 0, 13 where b.count == 2 && length == 0:  // PINGREQ, PINGRESP: two bytes, weak alone
            return p.usesPort(1883) || p.index > 0 ? .detected(.mqtt) : .needMore
        default:
            return .excluded
        }
    }
}
