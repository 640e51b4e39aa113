import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../sim/report/html-reporter.js';
import { JunitReporter } from '../../sim/report/junit-reporter.js';
import { renderMarkdown } from '../../sim/report/markdown-reporter.js';
import { palette, scenarioLine } from '../../sim/report/terminal.js';
import type { RunReport } from '../../sim/vocabulary/report-model.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixtureReport, schemaErrors } from './helpers.js';

const why =
  'traffic generator fell behind its schedule: send lag p99 250 ms (max 480 ms) > 100 ms behind schedule';

/** The fixture with its first scenario measured while the generator lagged. */
function distortedReport(): RunReport {
  const r = fixtureReport();
  const s = r.scenarios[0]!;
  s.traffic = { ...s.traffic, lagP99Ms: 250, lagMaxMs: 480, distorted: true, distortion: why };
  s.measuredUnderDistortion = true;
  s.reason = `${s.reason} (measured under distortion: ${why})`;
  return r;
}

describe('a verdict measured under distortion is never silent', () => {
  it('is valid against the schema', () => {
    expect(schemaErrors(distortedReport())).toEqual([]);
  });

  it('the terminal line says so with the reason, also for a passed scenario', () => {
    const s = distortedReport().scenarios[0]!;
    expect(scenarioLine(s, palette(false))).toContain(`MEASURED UNDER DISTORTION: ${why}`);
    expect(scenarioLine(fixtureReport().scenarios[0]!, palette(false))).not.toContain('DISTORTION');
  });

  it('JUnit properties carry the flag and the traffic figures', async () => {
    const dir = tempDir('rehearsal-distortion-');
    await new JunitReporter().write(distortedReport(), dir);
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(xml).toContain('<property name="measuredUnderDistortion" value="true"/>');
    expect(xml).toContain('<property name="traffic.lagP99Ms" value="250"/>');
    expect(xml).toContain('<property name="traffic.notSent" value="0"/>');
    expect(xml).toContain(`<property name="traffic.distortion" value="${why.replace('>', '&gt;')}"/>`);
  });

  it('summary.md flags the scenario and lists why', () => {
    const md = renderMarkdown(distortedReport());
    expect(md).toContain('### ⚠️ Measured under distortion');
    expect(md).toContain(`- **${distortedReport().scenarios[0]!.name}**: ${why}`);
    expect(md).toContain('⚠️ distorted');
    expect(renderMarkdown(fixtureReport())).not.toContain('distortion');
  });

  it('index.html shows the warning with the reason', () => {
    expect(renderHtml(distortedReport())).toContain(`Measured under distortion: ${why.replace('>', '&gt;')}`);
    expect(renderHtml(fixtureReport())).not.toContain('Measured under distortion');
  });
});
