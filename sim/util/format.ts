// How numbers and text are shown in every report, message and table: one spelling each, so that the terminal,
// summary.md, index.html and junit.xml say "12.3s" and "5.1%" alike.

/** Milliseconds as seconds with `digits` decimals, no unit: `12345` → `12.3`. */
export function seconds(ms: number, digits = 1): string {
  return (ms / 1000).toFixed(digits);
}

/** Milliseconds as seconds with one decimal and the unit (`12.3s`), or `-` when unknown. */
export function secs(ms: number | undefined): string {
  return ms === undefined ? '-' : `${seconds(ms)}s`;
}

/** A ratio as a percentage with `digits` decimals, no unit: `0.0512` → `5.1`. */
export function percent(ratio: number, digits = 1): string {
  return (ratio * 100).toFixed(digits);
}

/** A ratio as a percentage with the unit: `0.0512` → `5.1%`. */
export function pct(ratio: number, digits = 1): string {
  return `${percent(ratio, digits)}%`;
}

const XML_ENTITIES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text escaped for XML and HTML, in content and in attributes (either quote). */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => XML_ENTITIES[c]!);
}

/** Rows of cells as plain text, each column padded to its widest cell, two spaces apart. */
export function alignedTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
