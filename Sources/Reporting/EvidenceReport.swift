/// The evidence report (`--format html`): placeholder until the page lands.
public enum EvidenceReport {
    public static func render(_ report: ScanReport) -> String {
        "<!doctype html><title>borderflow</title><p>evidence report</p>\n"
    }
}
