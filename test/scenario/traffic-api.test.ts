import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.js';
import { loadCorpus } from '../../sim/traffic/corpus.js';
import { planTraffic } from '../../sim/traffic/schedule.js';
import { makeUsers } from '../../sim/traffic/users.js';
import { paths } from '../../sim/util/paths.js';
import { runCli } from '../helpers/cli.js';
import { scenarioYaml } from '../helpers/scenario-text.js';

const withTraffic = (lines: string) =>
  scenarioYaml({ traffic: `traffic:\n  profile: { type: constant, rate: 10 }\n  duration: 10s${lines}` });
const parse = (lines: string) => parseScenario(withTraffic(lines), 'x.yaml');

describe('traffic.api', () => {
  it('defaults to native, without a judge0 block', () => {
    const { scenario } = parse('');
    expect(scenario?.traffic.api).toBe('native');
    expect(scenario?.traffic.judge0).toBeUndefined();
  });

  it('judge0 takes wait (default false) and pollInterval (default 200ms)', () => {
    expect(parse('\n  api: judge0\n  judge0: {}').scenario?.traffic.judge0).toEqual({
      wait: false,
      pollInterval: 200,
    });
    expect(
      parse('\n  api: judge0\n  judge0: { wait: true, pollInterval: 1s }').scenario?.traffic.judge0,
    ).toEqual({
      wait: true,
      pollInterval: 1000,
    });
  });

  it('names the file and the field for a bad value', () => {
    expect(parse('\n  api: grpc').problems).toEqual([
      'x.yaml: traffic.api must be one of "native", "judge0", got "grpc"',
    ]);
    expect(parse('\n  api: judge0\n  judge0: { pollInterval: 1ms }').problems).toEqual([
      'x.yaml: traffic.judge0.pollInterval must be between 10ms and 10s, got 1',
    ]);
  });

  it('refuses a judge0 block on native traffic, a memory-limit share and the k6 driver on judge0 traffic', () => {
    expect(parse('\n  judge0: { wait: true }').problems).toEqual([
      'x.yaml: traffic.judge0 must be left out: it applies only to traffic.api: judge0, and traffic.api is native, got {"wait":true,"pollInterval":200}',
    ]);
    const [memory] = parse('\n  api: judge0\n  verdicts: { accepted: 0.9, memory-limit: 0.1 }').problems;
    expect(memory).toMatch(
      /^x\.yaml: traffic\.verdicts\.memory-limit must be 0 for traffic\.api: judge0 \(Judge0 has no memory-limit status/,
    );
    const [k6] = parse('\n  api: judge0\n  driver: k6').problems;
    expect(k6).toMatch(
      /^x\.yaml: traffic\.driver must be builtin for traffic\.api: judge0: the k6 driver speaks the native API only/,
    );
  });

  it('judge0 plans draw the same requests, each submission a program with its label', () => {
    const corpus = loadCorpus(paths.problems);
    const traffic = parse('\n  verdicts: { accepted: 0.5, time-limit: 0.2, runtime-error: 0.3 }').scenario!
      .traffic;
    const users = makeUsers(traffic.users, 3);
    const native = planTraffic(traffic, 3, users, corpus);
    const judge0 = planTraffic({ ...traffic, api: 'judge0' }, 3, users, corpus);
    expect(judge0.map((p) => [p.at, p.kind, p.solution?.name])).toEqual(
      native.map((p) => [p.at, p.kind, p.solution?.name]),
    );
    const submits = judge0.filter((p) => p.kind === 'submit');
    expect(submits.length).toBeGreaterThan(20);
    for (const p of submits) {
      expect(p.solution?.program?.source).toContain(p.solution!.source);
      expect(p.solution?.program?.expectedOutput.split('\n').length).toBeGreaterThan(1);
    }
  });

  it('the CLI refuses to send judge0 traffic with k6 (run --driver k6, export-k6), exit 2, starting nothing', async () => {
    const file = 'scenarios/canary-judge0-healthy.yaml';
    for (const args of [
      ['run', file, '--driver', 'k6'],
      ['export-k6', file, '-o', 'unused-k6-dir'],
    ]) {
      const result = await runCli(args);
      expect(result.code, result.stdout + result.stderr).toBe(2);
      expect(result.stderr).toMatch(/canary-judge0-healthy\.yaml: traffic\.api judge0 cannot be sent by k6/);
    }
  }, 60_000);

  it('rehearse plan says the traffic speaks Judge0 and how it learns verdicts', async () => {
    const result = await runCli(['plan', 'scenarios/canary-judge0-healthy.yaml']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Judge0 API (stdin/stdout programs, wait=true)');
  }, 30_000);
});
