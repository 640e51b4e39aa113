import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarios, parseScenario } from '../../sim/scenario/load.js';
import { ScenarioError } from '../../sim/util/errors.js';
import { runCli } from '../helpers/cli.js';
import { scenarioYaml } from '../helpers/scenario-text.js';
import { tempDir } from '../helpers/temp-dir.js';

const problems = (text: string) => parseScenario(text, 'scenarios/x.yaml').problems;

/** Every problem loadScenarios reports for these targets. */
function loadProblems(targets: string[], cwd: string): string[] {
  try {
    loadScenarios(targets, cwd);
    return [];
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
}

const BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
].join('\n');

describe('validation gaps', () => {
  it('a YAML alias bomb is refused with a message naming the file, not an internal error', () => {
    expect(problems(`${BOMB}\n`)).toEqual([
      expect.stringMatching(/^scenarios\/x\.yaml: too many YAML aliases .*at most 100 are expanded/),
    ]);
  });

  it('a few aliases, as people really use them, still work', () => {
    const text = scenarioYaml({
      name: 'x-checks: &check { metric: error_rate, max: 0.01 }\nname: t-scenario',
      strategy:
        'strategy:\n  type: canary\n  steps: [ { setWeight: 10 }, { analyze: 2s } ]\n  analysis:\n    checks: [ *check ]',
    });
    expect(problems(text).filter((p) => /alias/.test(p))).toEqual([]);
  });

  it('the CLI exits 2 on an alias bomb, naming the file, with no stack trace', async () => {
    const dir = tempDir('rehearsal-bomb-');
    writeFileSync(join(dir, 'bomb.yaml'), `${BOMB}\n`);
    const r = await runCli(['validate', join(dir, 'bomb.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bomb\.yaml: too many YAML aliases/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('unknown service.toggles are refused, listing the valid ones; toggles of an unknown version too', () => {
    const text = scenarioYaml({
      service:
        'service: { stable: v1, candidate: v2, toggles: { v2: { extraLatencyMS: 300 }, v3: { hang: true } } }',
    });
    expect(problems(text)).toEqual([
      expect.stringMatching(
        /^scenarios\/x\.yaml: service\.toggles\.v2\.extraLatencyMS must be a judge service toggle \(errorRate, extraLatencyMs, .*\), got "extraLatencyMS"$/,
      ),
      'scenarios/x.yaml: service.toggles.v3 must be a version of this scenario (v1 or v2), got "v3"',
    ]);
    expect(
      problems(scenarioYaml({ service: 'service: { toggles: { v2: { extraLatencyMs: 300 } } }' })),
    ).toEqual([]);
  });

  it('a fault scheduled at or after the end of traffic is refused', () => {
    const text = scenarioYaml({
      faults: 'faults:\n  - { type: http-errors, target: candidate, rate: 0.05, at: 12s }',
    });
    expect(problems(text)).toEqual([
      'scenarios/x.yaml: faults[0].at must be before traffic ends at 10s (traffic.duration), or the fault never acts; got 12s',
    ]);
  });

  it('analysis.interval: 0s (a hot loop) is refused', () => {
    const text = scenarioYaml({
      strategy:
        'strategy:\n  type: canary\n  steps: [ { setWeight: 10 }, { analyze: 2s } ]\n  analysis:\n    interval: 0s\n    checks: [ { metric: error_rate, max: 0.01 } ]',
    });
    expect(problems(text)).toEqual([
      'scenarios/x.yaml: strategy.analysis.interval must be at least 100ms (analysis rounds run every interval; 0 would spin), got 0ms',
    ]);
  });

  it('bytes that are not UTF-8 are refused with the file, line and byte', () => {
    const dir = tempDir('rehearsal-utf8-');
    const text = Buffer.from(scenarioYaml({ name: 'name: t-scenario\ndescription: "caf\u00e9"' }), 'latin1');
    writeFileSync(join(dir, 'latin1.yaml'), text);
    expect(loadProblems([join(dir, 'latin1.yaml')], dir)).toEqual([
      'latin1.yaml: not UTF-8 text: invalid byte 0xe9 at line 2 (byte 34); save the file as UTF-8',
    ]);
  });

  it('a symlink loop says "symlink loop" with the path, given directly or found in a folder', () => {
    const dir = tempDir('rehearsal-loop-');
    symlinkSync(join(dir, 'b.yaml'), join(dir, 'a.yaml'));
    symlinkSync(join(dir, 'a.yaml'), join(dir, 'b.yaml'));
    expect(loadProblems([join(dir, 'a.yaml')], dir)).toEqual([
      `${join(dir, 'a.yaml')}: symlink loop (a link that leads back to itself); point it at a real file`,
    ]);
    expect(loadProblems([dir], dir)).toEqual([
      'a.yaml: symlink loop (a link that leads back to itself); point it at a real file',
      'b.yaml: symlink loop (a link that leads back to itself); point it at a real file',
    ]);
    expect(loadProblems([join(dir, 'missing.yaml')], dir)).toEqual([
      `${join(dir, 'missing.yaml')}: no such file or folder`,
    ]);
  });

  it('problem ids the corpus does not have are refused, naming the file, the field and the corpus', () => {
    const dir = tempDir('rehearsal-problems-');
    const text = scenarioYaml({
      traffic:
        'traffic:\n  profile: { type: constant, rate: 10 }\n  duration: 10s\n  problems: { two-sum: 5, no-such-problem: 2 }',
      faults:
        'faults:\n  - { type: wrong-verdicts, target: candidate, rate: 1, problems: [two-sum, two-summ] }',
    });
    writeFileSync(join(dir, 'x.yaml'), text);
    expect(loadProblems([join(dir, 'x.yaml')], dir)).toEqual([
      expect.stringMatching(
        /^x\.yaml: traffic\.problems\.no-such-problem: unknown problem "no-such-problem" \(corpus: .*two-sum/,
      ),
      expect.stringMatching(/^x\.yaml: faults\[0\]\.problems\[1\]: unknown problem "two-summ"/),
    ]);
    // Known ids pass.
    writeFileSync(join(dir, 'x.yaml'), text.replace(', no-such-problem: 2', '').replace(', two-summ', ''));
    expect(loadProblems([join(dir, 'x.yaml')], dir)).toEqual([]);
  });
});
