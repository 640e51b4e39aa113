import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HtmlReporter, renderHtml } from '../../sim/report/html-reporter.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixtureReport, root } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = join(root, 'reports/test-artifacts');

describe('renderHtml', () => {
  it('is one self-contained file: no scripts, links or network references', () => {
    const html = renderHtml(fixtureReport());
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html.length).toBeLessThan(300_000);
  });

  it('shows harm to users with its evidence and every test, escaped', () => {
    const report = fixtureReport();
    const s = report.scenarios.find((x) => x.name === 'canary-error-spike')!;
    s.harm = {
      verdict: 'worse',
      by: ['wrong-verdicts'],
      evidence: 'wrong verdicts: 26 of 108 <24.1%> vs 0 of 168',
      firstHarmAt: 900,
      period: 'concurrent',
      alpha: 0.01,
      tests: [
        {
          measure: 'wrong-verdicts',
          candidate: { bad: 26, requests: 108 },
          stable: { bad: 0, requests: 168 },
          pValue: 5.2e-10,
          alpha: 0.0025,
          worse: true,
          evidence: '',
        },
      ],
    };
    const html = renderHtml(report);
    expect(html).toContain(
      '<p class="bad">harm to users: worse (wrong-verdicts) from t=0.9s: wrong verdicts: 26 of 108 &lt;24.1%&gt; vs 0 of 168</p>',
    );
    expect(html).toContain(
      '<td>wrong-verdicts</td><td class="num">26 of 108</td><td class="num">0 of 168</td><td class="num">5.2e-10</td>',
    );
    expect(renderHtml(fixtureReport())).not.toContain('harm to users');
  });

  it('escapes names from scenario files', () => {
    const r = fixtureReport();
    r.scenarios[0]!.name = '<img onerror=x>';
    expect(renderHtml(r)).not.toContain('<img onerror');
  });
});

describe.skipIf(!existsSync(CHROMIUM))('index.html in a real browser (chromium)', () => {
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    const dir = tempDir('rehearsal-html-');
    const report = fixtureReport();
    for (const sc of report.scenarios)
      sc.series.thresholds = [
        {
          metric: 'error_rate',
          version: sc.versions.candidate,
          max: 0.01,
          check: 'candidate error_rate <= 0.01',
        },
      ];
    [file] = await new HtmlReporter().write(report, dir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders the matrix and a chart with data per scenario from file://, offline, without errors', async () => {
    const report = fixtureReport();
    const context = await browser.newContext({ offline: true, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);

    const matrix = page.locator('#matrix');
    await expect(matrix.isVisible()).resolves.toBe(true);
    const headers = await matrix.locator('tr').first().locator('th').allTextContents();
    expect(headers).toEqual(['strategy \\ fault', 'no fault', 'http-errors']);
    const canaryRow = (await matrix.locator('tr').nth(1).textContent()) ?? '';
    expect(canaryRow).toContain('promoted');
    expect(canaryRow).toContain('caught');
    expect(canaryRow).toMatch(/detect \d+\.\ds/);

    const sections = page.locator('section.scenario');
    expect(await sections.count()).toBe(report.scenarios.length);
    for (const [i, s] of report.scenarios.entries()) {
      const section = sections.nth(i);
      expect(await section.locator('h2').textContent()).toContain(s.name);
      const chart = section.locator('svg.chart');
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(200);
      const series = await chart.locator('path[data-series]').evaluateAll((ps) =>
        ps.map((p) => ({
          name: p.getAttribute('data-series'),
          points: Number(p.getAttribute('data-points')),
          length: (p as SVGPathElement).getTotalLength(),
        })),
      );
      const names = series.map((x) => x.name);
      expect(names).toContain(`${s.versions.candidate} weight`);
      expect(names).toContain(`${s.versions.stable} users error rate`);
      expect(names).toContain(`${s.versions.stable} monitoring p95`);
      expect(names).toContain(`${s.versions.candidate} users p95`);
      for (const x of series) expect(x.points, x.name!).toBeGreaterThan(0);
      expect(series.filter((x) => x.length > 0).length).toBeGreaterThan(4);
      const markers = await chart
        .locator('g.marker')
        .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-type')));
      if (s.observed.outcome === 'rolled-back')
        expect(markers).toEqual(
          expect.arrayContaining(['fault-injected', 'first-failure', 'decision', 'all-traffic-on-stable']),
        );
      if (s.observed.outcome === 'promoted') expect(markers).toContain('promoted');

      // As laid out by the browser: marker labels never overlap, markers sit at their exact times.
      const labels = await chart.locator('g.marker text').evaluateAll((ts) =>
        ts.map((t) => {
          const b = (t as SVGTextElement).getBBox();
          return { text: t.textContent, x0: b.x, x1: b.x + b.width, y0: b.y, y1: b.y + b.height };
        }),
      );
      for (const [j, a] of labels.entries())
        for (const b of labels.slice(j + 1))
          expect(
            a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0,
            `${s.name}: "${a.text}" overlaps "${b.text}"`,
          ).toBe(true);
      const at = await chart
        .locator('g.marker')
        .evaluateAll((gs) =>
          gs.map((g) => [g.getAttribute('data-type'), Number(g.querySelector('line')!.getAttribute('x1'))]),
        );
      const xOf = (type: string) => at.find(([t]) => t === type)?.[1] as number;
      if (s.observed.outcome === 'rolled-back') {
        expect(xOf('all-traffic-on-stable')).toBeGreaterThanOrEqual(xOf('decision'));
        expect(await chart.locator('rect.fault-window').count()).toBeGreaterThan(0);
      }
      expect(await chart.locator('g.threshold').count()).toBe(1);
      expect(await chart.locator('g.threshold text').textContent()).toBe(`${s.versions.candidate} max 1%`);
    }

    mkdirSync(artifacts, { recursive: true });
    const shot = join(artifacts, 'index.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
    await context.close();
    expect(readFileSync(file, 'utf8')).toContain('<svg');
  });
});

describe('renderHtml for a harness error', () => {
  it('shows the error and its hint instead of a chart', () => {
    const r = fixtureReport();
    const s = r.scenarios[0]!;
    Object.assign(s, {
      status: 'error',
      classification: 'harness-error',
      reason: 'harness error: router did not start',
      error: { message: 'router did not start', hint: 'see the router log' },
    });
    s.series = { t: [], candidateWeight: [], users: {}, monitoring: {} };
    s.timeline = [];
    const html = renderHtml(r);
    expect(html).toContain('<span class="badge error">ERROR</span> canary-error-spike');
    expect(html).toContain('hint: see the router log');
    expect(html).toContain('no traffic was recorded');
  });
});
