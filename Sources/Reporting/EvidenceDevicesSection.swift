import Pipeline
import WireBytes

/// The devices section: every device on the home side the traffic shows, with its
/// Ethernet address and vendor, and how much of its traffic left the country; those
/// that talk abroad first.
enum EvidenceDevicesSection {
    static let maxDevices = 500

    static func render(_ report: ScanReport) -> String {
        let devices = report.result.devices.values.sorted {
            ($1.bytesAbroad, $0.address) < ($0.bytesAbroad, $1.address)
        }
        guard !devices.isEmpty else { return "<p>No device on the home side in the traffic.</p>\n" }
        let rows: [[HTMLCell]] = devices.prefix(maxDevices).map { d in
            let v = report.vendor(d.mac)
            return [.text(d.address.description, "mono"), .text((report.result.deviceNames[d.address] ?? []).joined(separator: ", "), "name"),
                    .text(d.mac == 0 ? "" : MACAddress.text(d.mac), "mono"),
                    .text(v?.name ?? (d.mac == 0 ? "" : "not in the OUI registry")), .number(d.flows), .number(d.crossBorderFlows),
                    .text(HTMLText.bytes(d.bytesAbroad))]
        }
        let source = report.scope?.ouiSource.map { "Vendors from " + $0 + " (the IEEE registry as Wireshark ships it). " }
            ?? "No OUI registry was read: vendors are not shown. "
        return HTMLText.element("p", source + "An Ethernet address is the one the device's frames came from at the capture point: "
            + "behind a router it is the router's.", [("class", "note")]) + "\n"
            + HTMLTable.render(["Device", "Names (DHCP, NetBIOS)", "Ethernet", "Vendor", "Flows", "Flows abroad", "Bytes abroad"], rows, cssClass: "flows",
                               omitted: max(0, devices.count - maxDevices), omittedNote: "devices (every one is in the JSON report)")
    }
}
