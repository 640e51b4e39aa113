/** One sample of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** The sample's own timestamp (ms since the Unix epoch) when the exposition gives one. */
  timestampMs?: number;
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;

/**
 * Parses Prometheus text exposition (format 0.0.4, and the sample lines of OpenMetrics) into samples.
 * Keeps the optional timestamp; reads escaped label values (`\\`, `\"`, `\n`), `NaN`, `+Inf`, `-Inf`; an
 * OpenMetrics exemplar after the value (`# {trace_id="…"} 1 …`) is skipped, the sample kept. Comments, blank
 * lines and malformed lines are skipped.
 */
export function parsePromText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseLine(line);
    if (sample !== undefined) out.push(sample);
  }
  return out;
}

/** One sample line, or undefined when it is malformed. */
export function parseLine(line: string): Sample | undefined {
  let i = skipSpace(line, 0);
  const nameStart = i;
  if (!NAME_START.test(line[i] ?? '')) return undefined;
  while (i < line.length && NAME_CHAR.test(line[i]!)) i++;
  const name = line.slice(nameStart, i);
  const labels: Record<string, string> = {};
  let afterName = i;
  i = skipSpace(line, i);
  if (line[i] === '{') {
    const end = parseLabels(line, i + 1, labels);
    if (end === undefined) return undefined;
    i = afterName = end;
  }
  i = skipSpace(line, i);
  if (i === afterName && line[afterName - 1] !== '}') return undefined; // the value must be separated
  const valueStart = i;
  while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
  const value = parseValue(line.slice(valueStart, i));
  if (value === undefined) return undefined;
  i = skipSpace(line, i);
  const sample: Sample = { name, labels, value };
  if (i >= line.length || line[i] === '#') return sample;
  const tsStart = i;
  while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
  const ts = line.slice(tsStart, i);
  if (!/^-?\d+(\.\d+)?$/.test(ts)) return undefined;
  i = skipSpace(line, i);
  if (i < line.length && line[i] !== '#') return undefined;
  // Prometheus's format gives integer milliseconds; OpenMetrics gives seconds with a fraction.
  sample.timestampMs = ts.includes('.') ? Math.round(Number(ts) * 1000) : Number(ts);
  return sample;
}

/** Reads `name="value",…}` from `i` into `labels`; the index after the `}`, or undefined when malformed. */
function parseLabels(line: string, i: number, labels: Record<string, string>): number | undefined {
  for (;;) {
    i = skipSpace(line, i);
    if (line[i] === '}') return i + 1;
    const start = i;
    if (!LABEL_START.test(line[i] ?? '')) return undefined;
    while (i < line.length && LABEL_CHAR.test(line[i]!)) i++;
    const key = line.slice(start, i);
    i = skipSpace(line, i);
    if (line[i] !== '=') return undefined;
    i = skipSpace(line, i + 1);
    if (line[i] !== '"') return undefined;
    i++;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) return undefined;
      if (c === '"') break;
      if (c === '\\') {
        const next = line[i + 1];
        if (next === undefined) return undefined;
        value += next === 'n' ? '\n' : next;
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    labels[key] = value;
    i = skipSpace(line, i + 1);
    if (line[i] === ',') i++;
    else if (line[i] !== '}') return undefined;
  }
}

function parseValue(raw: string): number | undefined {
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  if (raw === 'NaN') return Number.NaN;
  if (raw === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return undefined;
  return Number(raw);
}

function skipSpace(line: string, i: number): number {
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i;
}
