import { describeCheck } from '../analysis/checks.js';
import { createFault } from '../faults/index.js';
import { describeAction } from '../release/actions.js';
import { planStrategy } from '../release/strategies/index.js';
import { formatDuration } from '../util/duration.js';
import type { Scenario } from './schema.js';

/** The human-readable plan of a scenario: what would happen, in order. Starts nothing. */
export function describePlan(s: Scenario, platform: string): string[] {
  const { stable, candidate, replicas } = s.service;
  const p = s.traffic.profile;
  const rate = p.type === 'constant' ? `${p.rate} req/s` : `${p.from}→${p.to} req/s`;
  const lines = [
    `${s.name}: ${s.description}`.trimEnd(),
    ...(s.source
      ? [`  imported from ${s.source.file} (${s.source.kind}); policy time compressed ${s.source.timeScale}x`]
      : []),
    `  platform ${s.platform ?? platform}, seed ${s.seed}; ${replicas} instance(s) of ${stable} behind the router`,
    `  traffic: ${rate} for ${formatDuration(s.traffic.duration)} (${s.traffic.arrivals} arrivals), mix submit ${s.traffic.mix.submit} / poll ${s.traffic.mix.poll} / leaderboard ${s.traffic.mix.leaderboard}${s.traffic.driver === 'k6' ? ', sent by k6' : ''}${s.traffic.api === 'judge0' ? `, Judge0 API (stdin/stdout programs, ${s.traffic.judge0?.wait ? 'wait=true' : 'polled by token'})` : ''}`,
    `  strategy ${s.strategy.type}, analysis every ${formatDuration(s.strategy.analysis.interval)} over ${formatDuration(s.strategy.analysis.window)} (noData: ${s.strategy.analysis.noData}):`,
    ...s.strategy.analysis.checks.map((c) => `    check ${describeCheck(c)}`),
    '  steps:',
    ...planStrategy(s.strategy, { version: candidate, replicas }).map(
      (a, i) => `    ${i + 1}. ${describeAction(a, candidate, stable)}`,
    ),
    ...s.faults.map(
      (f) =>
        `  fault at ${formatDuration(f.at)}${f.duration !== undefined ? ` for ${formatDuration(f.duration)}` : ''}: ${createFault(f).describe()}`,
    ),
    `  expect: ${s.expect.outcome}${s.expect.detectWithin !== undefined ? `, detected within ${formatDuration(s.expect.detectWithin)}` : ''}${s.expect.maxFailedRequests !== undefined ? `, at most ${s.expect.maxFailedRequests} failed requests` : ''}, ${s.expect.lostSubmissions} lost submissions`,
  ];
  return lines;
}
