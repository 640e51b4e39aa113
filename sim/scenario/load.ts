import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ScenarioError } from '../util/errors.js';
import { paths } from '../util/paths.js';
import { formatIssue } from './format-issues.js';
import { type Scenario, scenarioSchema } from './schema.js';

/** Most aliases a scenario may use: far more than any real file, far fewer than an alias bomb expands to. */
export const MAX_YAML_ALIASES = 100;

/** A scenario together with the file it came from. */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}

/** Expands files and folders into scenario files (`*.yaml`, `*.yml`), sorted. */
export function findScenarioFiles(targets: string[]): string[] {
  const files: string[] = [];
  for (const target of targets) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(target);
    } catch (error) {
      throw new ScenarioError([`${target}: ${unreadable(error)}`]);
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(target).sort()) {
        if (/\.ya?ml$/.test(name)) files.push(join(target, name));
      }
    } else files.push(target);
  }
  return files;
}

/** Validates one scenario's text; returns the scenario or every problem, each naming file and path. */
export function parseScenario(text: string, file: string): { scenario?: Scenario; problems: string[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map(
        (e) =>
          `${file}: YAML syntax error at line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`,
      ),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    // yaml throws a ReferenceError when aliases expand past the cap (a "billion laughs" file).
    return {
      problems: [
        `${file}: too many YAML aliases (${(error as Error).message.split('\n')[0]}); at most ${MAX_YAML_ALIASES} are expanded — write the values out`,
      ],
    };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [`${file}: must be a YAML mapping (name, traffic, strategy, expect, …)`] };
  }
  const result = scenarioSchema.safeParse(data, { reportInput: true });
  if (result.success) return { scenario: result.data, problems: [] };
  return { problems: result.error.issues.map((issue) => `${file}: ${formatIssue(issue)}`) };
}

/** Loads and validates every scenario; throws one ScenarioError listing every problem in every file. */
export function loadScenarios(targets: string[], cwd = process.cwd()): LoadedScenario[] {
  const files = findScenarioFiles(targets);
  if (files.length === 0)
    throw new ScenarioError([`${targets.join(', ')}: no scenario files (*.yaml) found`]);
  const problems: string[] = [];
  const loaded: LoadedScenario[] = [];
  const names = new Map<string, string>();
  for (const path of files) {
    const file = relative(cwd, path) || path;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      problems.push(`${file}: ${unreadable(error)}`);
      continue;
    }
    const text = utf8(bytes);
    if (typeof text !== 'string') {
      problems.push(`${file}: ${text.problem}`);
      continue;
    }
    const result = parseScenario(text, file);
    problems.push(...result.problems);
    if (!result.scenario) continue;
    const other = names.get(result.scenario.name);
    if (other) problems.push(`${file}: name "${result.scenario.name}" is already used by ${other}`);
    names.set(result.scenario.name, file);
    problems.push(...unknownProblems(result.scenario).map((p) => `${file}: ${p}`));
    loaded.push({ file, scenario: result.scenario });
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return loaded;
}

/** Why a path cannot be read, in words (ENOENT, ELOOP, EACCES, …). */
/** Problem ids a scenario names (traffic popularity, faults on chosen problems) that the corpus does not have. */
export function unknownProblems(scenario: Scenario, corpusDir = paths.problems): string[] {
  let known: Set<string>;
  try {
    known = new Set(readdirSync(corpusDir));
  } catch {
    return []; // no corpus here to check against: the traffic plan reports that when it loads it
  }
  const list = () => [...known].sort().join(', ');
  const out: string[] = [];
  for (const id of Object.keys(scenario.traffic.problems ?? {}))
    if (!known.has(id)) out.push(`traffic.problems.${id}: unknown problem "${id}" (corpus: ${list()})`);
  scenario.faults.forEach((f, i) => {
    const ids = 'problems' in f && Array.isArray(f.problems) ? (f.problems as string[]) : [];
    ids.forEach((id, j) => {
      if (!known.has(id))
        out.push(`faults[${i}].problems[${j}]: unknown problem "${id}" (corpus: ${list()})`);
    });
  });
  return out;
}

function unreadable(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'ELOOP':
      return 'symlink loop (a link that leads back to itself); point it at a real file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a scenario file';
    default:
      return `cannot be read (${e.message})`;
  }
}

/** The file's text, or where its first byte that is not UTF-8 is. */
function utf8(bytes: Buffer): string | { problem: string } {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Find the first bad byte for the message: decode ever longer prefixes would be quadratic; scan once.
    const at = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, at).toString('latin1').split('\n').length;
    return {
      problem: `not UTF-8 text: invalid byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at line ${line} (byte ${at}); save the file as UTF-8`,
    };
  }
}

function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}
