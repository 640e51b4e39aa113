import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, RehearsalError } from '../util/errors.js';
import { type VerdictName, verdicts } from '../vocabulary/verdicts.js';

/** A solution from the corpus, with the verdict it must get. */
export interface CorpusSolution {
  problemId: string;
  name: string;
  expected: VerdictName;
  source: string;
}

/** The problem corpus, grouped by expected verdict. */
export interface Corpus {
  problems: string[];
  byVerdict: Map<VerdictName, CorpusSolution[]>;
}

/** Reads `fixtures/problems/<id>/solutions/<verdict>[-n].js` into a corpus. */
export function loadCorpus(dir: string): Corpus {
  const byVerdict = new Map<VerdictName, CorpusSolution[]>();
  let problems: string[];
  try {
    problems = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch (error) {
    throw new RehearsalError(
      `problem corpus not found at ${dir}`,
      'run from a checkout of the repository',
      ExitCode.rehearsalFailed,
      { cause: error },
    );
  }
  for (const problemId of problems) {
    let files: string[] = [];
    try {
      files = readdirSync(join(dir, problemId, 'solutions')).sort();
    } catch {
      continue;
    }
    for (const name of files) {
      const verdict = verdicts.find((v) => name === `${v}.js` || name.startsWith(`${v}-`));
      if (!verdict || !name.endsWith('.js')) continue;
      const list = byVerdict.get(verdict) ?? [];
      list.push({
        problemId,
        name,
        expected: verdict,
        source: readFileSync(join(dir, problemId, 'solutions', name), 'utf8'),
      });
      byVerdict.set(verdict, list);
    }
  }
  if ((byVerdict.get('accepted') ?? []).length === 0) {
    throw new RehearsalError(
      `problem corpus at ${dir} has no accepted solutions`,
      'check fixtures/problems/*/solutions/accepted*.js',
    );
  }
  return { problems, byVerdict };
}
