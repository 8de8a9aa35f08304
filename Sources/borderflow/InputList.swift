import Pipeline
import Reporting

/// The inputs a command reads, from its PATH arguments: what directories held that is
/// not read is said on standard error, and finding nothing at all is an error (exit 2),
/// never a report of zero inputs that passes.
func expandInputs(_ paths: [String], quiet: Bool) throws -> [InputSource] {
    var skipped: [Inputs.Skipped] = []
    let inputs = Inputs.expand(paths, skipped: &skipped)
    if !quiet { for s in skipped { printError("borderflow: note: " + VisibleText.escape(s.description)) } }
    if inputs.isEmpty {
        let named = paths.map { VisibleText.escape($0) }.joined(separator: ", ")
        let held = skipped.isEmpty ? "" : " (only \(skipped.count) entries that are not regular files)"
        throw CommandFailure("no input found in \(named)\(held): name capture or flow-log files, directories holding them, or - for standard input")
    }
    return inputs
}
