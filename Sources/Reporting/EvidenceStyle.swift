/// The evidence page's inline style sheet: no fonts, images or anything else fetched,
/// so the page reads the same offline and in an archive years later. Print rules put
/// each section on its own A4 page and let wide tables wrap instead of being clipped.
enum EvidenceStyle {
    static let css = """
    :root { color-scheme: light; }
    body { font-family: system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif;
      color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; line-height: 1.4; font-size: 14px; }
    h1 { font-size: 24px; margin: 0 0 4px; }
    h2 { font-size: 19px; border-bottom: 2px solid #263238; padding-bottom: 4px; margin: 36px 0 12px; }
    h3 { font-size: 16px; margin: 24px 0 6px; }
    h5 { font-size: 13px; margin: 10px 0 4px; }
    figure { margin: 0; }
    h4 { font-size: 14px; margin: 16px 0 6px; font-family: 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace; }
    header p { margin: 2px 0; color: #37474f; }
    nav ol { margin: 8px 0 0; padding-left: 20px; columns: 2; max-width: 560px; }
    nav a { color: #1a4f8b; }
    table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 12.5px; }
    th, td { border: 1px solid #b0bec5; padding: 3px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
    /* Names from captures can be any length: only they may break anywhere, so other columns keep their words whole. */
    td.name { overflow-wrap: anywhere; }
    thead th { background: #eceff1; }
    table.facts { width: auto; min-width: 60%; max-width: 100%; }
    table.facts th { background: #f5f7f8; font-weight: 600; white-space: nowrap; width: 1%; }
    table.facts td.num { text-align: left; }
    td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
    .mono, td.mono, td.name { font-family: 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace; font-size: 0.95em; }
    .flows { font-size: 11.5px; }
    .stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0 14px; padding: 0; list-style: none; }
    .stats li { border: 1px solid #b0bec5; border-radius: 4px; padding: 8px 14px; min-width: 120px; }
    .stats b { display: block; font-size: 22px; }
    .sev { display: inline-block; padding: 0 7px; border-radius: 3px; font-size: 12px; font-weight: 600; color: #fff;
      font-family: system-ui, sans-serif; vertical-align: 2px; white-space: nowrap; }
    .sev-high { background: #b71c1c; } .sev-medium { background: #8d4b00; } .sev-low { background: #1565c0; } .sev-info { background: #546e7a; }
    .status { font-weight: 600; }
    .status-unregistered { color: #c62828; } .status-expired { color: #e65100; }
    .status-purpose-mismatch { color: #7b1fa2; } .status-registered { color: #2e7d32; }
    .finding { border-left: 4px solid #b0bec5; padding: 2px 0 4px 12px; margin: 14px 0 20px; }
    .finding.sev-border-high { border-left-color: #b71c1c; } .finding.sev-border-medium { border-left-color: #8d4b00; }
    .finding.sev-border-low { border-left-color: #1565c0; }
    .notice { background: #fff8e1; border: 1px solid #ffb300; padding: 6px 10px; }
    .note, .omitted { color: #455a64; font-size: 12.5px; }
    .problems { margin: 0; padding-left: 16px; }
    .diagram { overflow-x: auto; }
    svg.flow-diagram { width: 100%; height: auto; display: block; }
    footer { margin-top: 40px; color: #607d8b; font-size: 12px; }
    @page { size: A4; margin: 14mm 12mm;
      @bottom-left { content: "borderflow evidence report"; font: 8pt sans-serif; color: #607d8b; }
      @bottom-right { content: "page " counter(page) " of " counter(pages); font: 8pt sans-serif; color: #607d8b; } }
    /* The diagram is wide: it gets a landscape page of its own. */
    @page landscape { size: A4 landscape; }
    @media print {
      * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
      body { max-width: none; padding: 0; font-size: 10pt; }
      nav { display: none; }
      section { break-before: page; }
      section:first-of-type { break-before: auto; }
      #diagram { page: landscape; }
      svg.flow-diagram { max-height: 150mm; }
      h2, h3, h4, h5 { break-after: avoid; }
      table { font-size: 8.5pt; }
      .flows { font-size: 7.5pt; }
      thead { display: table-header-group; }
      tr, .stats li, figure { break-inside: avoid; }
      .diagram { overflow: visible; }
      a { color: inherit; text-decoration: none; }
    }
    """
}
