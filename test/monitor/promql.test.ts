import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routerMetrics } from '../../sim/monitor/metric-names.js';
import { metricNames } from '../../sim/monitor/metrics.js';
import { DOWN_ADDRESS, targetGroups, valueOfData } from '../../sim/monitor/prometheus.js';
import { findPrometheus, prometheusConfig } from '../../sim/monitor/prometheus-server.js';
import { defaultPromQL, renderPromQL, unknownPlaceholders } from '../../sim/monitor/promql.js';
import { tempDir } from '../helpers/temp-dir.js';

const args = { version: 'v2', windowMs: 8000, intervalMs: 2000 };
const promtool = findPrometheus()?.replace(/prometheus$/, 'promtool');

describe('PromQL templating', () => {
  it('substitutes Argo- and Flagger-style placeholders: the version as a label value, windows as durations', () => {
    expect(
      renderPromQL(
        'sum(rate(x{version="{{version}}"}[{{window}}])) + y{v="{{ args.version }}"}[{{interval}}]',
        args,
      ),
    ).toBe('sum(rate(x{version="v2"}[8000ms])) + y{v="v2"}[2000ms]');
    expect(renderPromQL('x{v="{{target}}"}[{{args.window}}]', { ...args, windowMs: 2500.4 })).toBe(
      'x{v="v2"}[2500ms]',
    );
  });

  it('escapes the version so that it cannot end the label string', () => {
    expect(renderPromQL('x{version="{{version}}"}', { ...args, version: 'v"2\\' })).toBe(
      'x{version="v\\"2\\\\"}',
    );
  });

  it('names unknown placeholders, and refuses to render them', () => {
    expect(unknownPlaceholders('x{a="{{version}}", b="{{canary}}"}[{{windw}}]')).toEqual(['canary', 'windw']);
    expect(() => renderPromQL('x{a="{{canary}}"}', args)).toThrow(/unknown placeholder \{\{canary\}\}/);
  });
});

describe('default PromQL of the built-in metrics', () => {
  it('covers every built-in metric, never names the instance label, and asks only for the measured version', () => {
    expect(Object.keys(defaultPromQL).sort()).toEqual([...metricNames].sort());
    for (const [name, q] of Object.entries(defaultPromQL)) {
      for (const expr of [q.value, q.requests ?? '']) {
        expect(expr, name).not.toMatch(/instance/);
        const rendered = renderPromQL(expr, args);
        expect(rendered, name).not.toMatch(/\{\{/);
        for (const m of rendered.matchAll(/version="([^"]*)"/g)) expect(m[1], name).toBe('v2');
      }
    }
    expect(defaultPromQL.error_rate.value).toContain(`${routerMetrics.requests}{job="router"`);
    expect(defaultPromQL.latency_p95_ms.value).toMatch(/^histogram_quantile\(0\.95, sum by \(le\)/);
  });

  it.skipIf(!promtool)('parses with promtool: every default query, rendered, is valid PromQL', () => {
    const dir = tempDir('promql-');
    const rules = Object.entries(defaultPromQL).flatMap(([name, q]) =>
      [q.value, q.requests]
        .filter((e): e is string => e !== undefined)
        .map(
          (e, i) =>
            `      - record: rehearsal:${name}:${i}\n        expr: ${JSON.stringify(renderPromQL(e, args))}`,
        ),
    );
    const file = join(dir, 'rules.yml');
    writeFileSync(file, `groups:\n  - name: defaults\n    rules:\n${rules.join('\n')}\n`);
    const out = execFileSync(promtool!, ['check', 'rules', file], { encoding: 'utf8' });
    expect(out).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
    // And promtool does reject a broken one: the check can fail.
    writeFileSync(
      file,
      'groups:\n  - name: x\n    rules:\n      - record: a:b\n        expr: "sum(rate(x[5m]"\n',
    );
    expect(() => execFileSync(promtool!, ['check', 'rules', file], { stdio: 'pipe' })).toThrow();
  });

  it.skipIf(!promtool)('the generated Prometheus config passes promtool check config', () => {
    const dir = tempDir('promcfg-');
    const targets = join(dir, 'targets.json');
    writeFileSync(targets, '[]');
    writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig(1000, targets));
    const out = execFileSync(promtool!, ['check', 'config', join(dir, 'prometheus.yml')], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/SUCCESS/);
  });
});

describe('mapping Prometheus answers to one number', () => {
  it('takes a scalar or a one-series vector; empty or NaN is no data; several series is an error', () => {
    expect(valueOfData({ resultType: 'scalar', result: [1, '0.25'] })).toBe(0.25);
    expect(valueOfData({ resultType: 'vector', result: [{ metric: {}, value: [1, '3'] }] })).toBe(3);
    expect(valueOfData({ resultType: 'vector', result: [] })).toBeUndefined();
    expect(
      valueOfData({ resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] }),
    ).toBeUndefined();
    expect(() =>
      valueOfData({
        resultType: 'vector',
        result: [
          { metric: { version: 'v1' }, value: [1, '1'] },
          { metric: { version: 'v2' }, value: [1, '2'] },
        ],
      }),
    ).toThrow(/2 series .*aggregate it with sum\(\) or max\(\)/);
    expect(() => valueOfData({ resultType: 'matrix', result: [] })).toThrow(/matrix/);
  });
});

describe('file_sd targets under the monitoring faults', () => {
  const targets = [
    { url: 'http://127.0.0.1:4000/admin/metrics', labels: { job: 'router' } },
    { url: 'http://127.0.0.1:4001/metrics', labels: { job: 'judge', version: 'v2', instance: 'v2-0' } },
  ];

  it('lists every target with its labels, path and scheme', () => {
    expect(targetGroups(targets, { blind: false, delayMs: 0 })).toEqual([
      {
        targets: ['127.0.0.1:4000'],
        labels: { job: 'router', __metrics_path__: '/admin/metrics', __scheme__: 'http' },
      },
      {
        targets: ['127.0.0.1:4001'],
        labels: {
          job: 'judge',
          version: 'v2',
          instance: 'v2-0',
          __metrics_path__: '/metrics',
          __scheme__: 'http',
        },
      },
    ]);
  });

  it('is empty during a scrape gap, unreachable while metrics are down, relabelled under wrong labels', () => {
    expect(targetGroups(targets, { blind: true, delayMs: 0 })).toEqual([]);
    expect(targetGroups(targets, { blind: false, delayMs: 0, down: true }).map((g) => g.targets)).toEqual([
      [DOWN_ADDRESS],
      [DOWN_ADDRESS],
    ]);
    const relabel = (l: Record<string, string>) =>
      l.version === 'v2' ? { ...l, version: 'v2-mislabelled' } : l;
    expect(targetGroups(targets, { blind: false, delayMs: 0, relabel })[1]!.labels.version).toBe(
      'v2-mislabelled',
    );
  });
});
