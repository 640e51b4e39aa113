import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ScenarioError } from '../util/errors.js';
import { formatIssue } from './format-issues.js';
import { type Scenario, scenarioSchema } from './schema.js';

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
    } catch {
      throw new ScenarioError([`${target}: no such file or folder`]);
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
  const data = doc.toJS() as unknown;
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
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      problems.push(`${file}: cannot be read (${(error as Error).message})`);
      continue;
    }
    const result = parseScenario(text, file);
    problems.push(...result.problems);
    if (!result.scenario) continue;
    const other = names.get(result.scenario.name);
    if (other) problems.push(`${file}: name "${result.scenario.name}" is already used by ${other}`);
    names.set(result.scenario.name, file);
    loaded.push({ file, scenario: result.scenario });
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return loaded;
}
