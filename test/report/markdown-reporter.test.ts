import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MarkdownReporter,
  mdCell,
  relativePaths,
  renderMarkdown,
} from '../../sim/report/markdown-reporter.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixtureReport } from './helpers.js';

describe('renderMarkdown', () => {
  it('shows the readiness matrix: strategies x faults with the key figure in each cell', () => {
    const md = renderMarkdown(fixtureReport());
    const lines = md.split('\n');
    const head = lines.findIndex((l) => l.startsWith('| strategy'));
    expect(lines[head]).toBe('| strategy \\ fault | no fault | http-errors |');
    expect(lines[head + 1]).toBe('| --- | --- | --- |');
    const canary = lines[head + 2]!;
    expect(canary).toMatch(
      /^\| canary \| ✅ \*\*promoted\*\* promoted, 0 failed \| ✅ \*\*caught\*\* detect \d+\.\ds, \d+ failed<br>❌ \*\*caught\*\* detect 2\.2s, 2 failed \(not met: detectWithin, maxFailedRequests\) \|$/,
    );
  });

  it('says whether the candidate hurt users: a column per scenario and the evidence of every harm', () => {
    const report = fixtureReport();
    const s = report.scenarios.find((x) => x.name === 'canary-error-spike')!;
    s.harm = {
      verdict: 'worse',
      by: ['failed'],
      evidence: 'failed: 28 of 108 (25.9%) vs 0 of 168 (0.0%), p = 1.7e-11 (alpha 0.0025)',
      firstHarmAt: 8100,
      period: 'concurrent',
      alpha: 0.01,
      tests: [],
    };
    const md = renderMarkdown(report);
    expect(md).toMatch(/\| ✅ canary-error-spike \| caught \| worse \(failed\) \| rolled-back/);
    expect(md).toContain(
      '### Harm to users\n\n- **canary-error-spike** (caught): worse (failed) from t=8.1s: failed: 28 of 108 (25.9%) vs 0 of 168 (0.0%), p = 1.7e-11 (alpha 0.0025)',
    );
    // No harm found anywhere: no section.
    expect(renderMarkdown(fixtureReport())).not.toContain('### Harm to users');
  });

  it('has a headline, a row per scenario with the budget, and what went wrong', () => {
    const md = renderMarkdown(fixtureReport());
    expect(md.split('\n')[0]).toBe('## ❌ Release rehearsal: 2/3 passed, 1 failed');
    expect(md).toMatch(
      /\| ✅ canary-error-spike \| caught \| - \| rolled-back \(expected rolled-back\) \| \d+\.\ds \| \d+\.\ds \| \d+ \| 0 \| \d+% \|/,
    );
    expect(md).toContain(
      '- **canary-error-spike-strict** (failure): detectWithin: expected <= 1.0s, got 2.2s',
    );
    expect(md).toContain('  - maxFailedRequests: expected <= 0, got 2');
  });

  it('says all passed when all did', () => {
    const r = fixtureReport();
    r.scenarios = r.scenarios.filter((s) => s.status === 'passed');
    r.summary = { total: 2, passed: 2, failed: 0, errors: 0 };
    const md = renderMarkdown(r);
    expect(md.split('\n')[0]).toBe('## ✅ Release rehearsal: 2/2 passed');
    expect(md).not.toContain('What went wrong');
  });

  it('keeps table cells intact', () => {
    expect(mdCell('a|b\nc')).toBe('a\\|b c');
  });
});

describe('summary.md links', () => {
  it('links a scenario’s logs relative to the report folder, never by the runner’s absolute path', async () => {
    const dir = tempDir('rehearsal-md-');
    const r = fixtureReport();
    const bad = r.scenarios.find((s) => s.status !== 'passed')!;
    mkdirSync(join(dir, bad.name, 'logs'), { recursive: true });
    bad.reason = `router exited; see ${join(dir, bad.name, 'logs', 'router.log')}`;
    bad.error = { message: 'router exited', hint: `read ${join(dir, bad.name, 'logs')}/ first` };
    const [file] = await new MarkdownReporter().write(r, dir);
    const md = readFileSync(file!, 'utf8');
    const line = md.split('\n').find((l) => l.startsWith(`- **${bad.name}**`))!;
    expect(line).toContain(`see ${bad.name}/logs/router.log`);
    expect(line).toContain(`hint: read ${bad.name}/logs/ first`);
    expect(line).toMatch(new RegExp(`\\[logs\\]\\(${bad.name}/logs/\\)$`));
    expect(md).not.toContain(dir);
  });

  it('rewrites only paths inside the report folder', () => {
    expect(relativePaths('/r/run1/a/logs/x.log and /r/run10/y and /etc/passwd', '/r/run1')).toBe(
      'a/logs/x.log and /r/run10/y and /etc/passwd',
    );
  });
});
