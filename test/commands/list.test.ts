import { describe, expect, it } from 'vitest';
import { faultKinds } from '../../sim/faults/index.js';
import { runCli } from '../helpers/cli.js';

describe('rehearse list', () => {
  it('shows every fault, check metric and shipped scenario on a line of its own', async () => {
    const { code, stdout } = await runCli(['list']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    for (const [name, k] of Object.entries(faultKinds)) {
      expect(
        lines.filter((l) => new RegExp(`^  ${name} +${k.layer} +\\S`).test(l)),
        name,
      ).toHaveLength(1);
    }
    expect(stdout).toMatch(/^ {2}acceptance_rate +ratio +\S/m);
    expect(stdout).toMatch(/^check kinds \(5\):$/m);
    expect(stdout).toMatch(/^ {2}per-problem +\{ compare: rejected_verdicts, by: problem \}/m);
    expect(stdout).toMatch(/^ {2}blue-green$/m);
    expect(stdout).toMatch(
      /^ {2}canary-wrong-verdicts +canary +wrong-verdicts +→ rolled-back +matrix,service$/m,
    );
    expect(stdout).toMatch(/^ {2}canary-healthy +canary +healthy +→ promoted/m);
  });

  it('shows one section when asked', async () => {
    const { stdout } = await runCli(['list', 'faults']);
    expect(stdout).toMatch(/^faults \(\d+\):/);
    expect(stdout).not.toMatch(/scenarios \(/);
  });
});
