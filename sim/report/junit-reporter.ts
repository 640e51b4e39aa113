import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeXml, seconds } from '../util/format.js';
import type { RunReport, ScenarioReport } from '../vocabulary/report-model.js';
import type { Reporter } from './reporter.js';

function properties(s: ScenarioReport): string {
  const props: [string, string | number | boolean | undefined][] = [
    ['seed', s.seed],
    ['strategy', s.strategy],
    ['classification', s.classification],
    ['outcome', s.observed.outcome],
    ['timeToDetectMs', s.observed.timeToDetectMs],
    ['timeToRollbackMs', s.observed.timeToRollbackMs],
    ['timeToDecisionMs', s.observed.timeToDecisionMs],
    ['failedRequests', s.observed.failedRequests],
    ['wrongVerdicts', s.observed.wrongVerdicts],
    ['lostSubmissions', s.observed.lostSubmissions],
    ['budgetBurned', s.budget?.burned ?? undefined],
    ['measuredUnderDistortion', s.measuredUnderDistortion ?? s.traffic.distorted],
    ['traffic.targetRate', s.traffic.targetRate.toFixed(1)],
    ['traffic.achievedRate', s.traffic.achievedRate.toFixed(1)],
    ['traffic.lagP99Ms', Math.round(s.traffic.lagP99Ms)],
    ['traffic.lagMaxMs', Math.round(s.traffic.lagMaxMs)],
    ['traffic.notSent', s.traffic.notSent],
    ['traffic.distortion', s.traffic.distortion],
    ...phaseFigures(s),
    ...s.faults.map((f, i): [string, string] => [
      `fault.${i}`,
      `${f.type} on ${f.target}: ${f.verified ? 'verified' : 'NOT verified'} (${f.detail})`,
    ]),
  ];
  return props
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `      <property name="${k}" value="${escapeXml(String(v))}"/>`)
    .join('\n');
}

/** Failed requests on the candidate before the decision and during the rollback (the blast radius by phase). */
function phaseFigures(s: ScenarioReport): [string, number][] {
  const c = s.versions.candidate;
  const phases = ['before-decision', 'during-rollback', 'after-promotion'] as const;
  return phases.flatMap((p): [string, number][] => {
    const impact = s.blastRadius.byPhase[p]?.[c];
    return impact ? [[`failed.${p}`, impact.failed]] : [];
  });
}

/** One testsuite per scenario, so that its key figures can be properties (the JUnit XSD allows them only on suites). */
function suite(s: ScenarioReport, id: number, timestamp: string): string {
  const time = seconds(s.durationMs, 3);
  const failures = s.status === 'failure' ? 1 : 0;
  const errors = s.status === 'error' || s.status === 'interrupted' ? 1 : 0;
  const head = `  <testsuite name="${escapeXml(s.name)}" tests="1" failures="${failures}" errors="${errors}" skipped="0" time="${time}" timestamp="${timestamp}" hostname="localhost" id="${id}" package="rehearsal" file="${escapeXml(s.file)}">`;
  return `${head}\n    <properties>\n${properties(s)}\n    </properties>\n${testcase(s, time)}\n  </testsuite>`;
}

function testcase(s: ScenarioReport, time: string): string {
  const head = `    <testcase name="${escapeXml(s.name)}" classname="rehearsal.${escapeXml(s.strategy)}" time="${time}">`;
  const lines = s.expectations
    .map((e) => `${e.passed ? 'ok  ' : 'FAIL'} ${e.name}: expected ${e.expected}, got ${e.actual}`)
    .join('\n');
  let body = '';
  // Interrupted is the harness's doing, like an error: neither a pass nor a failed expectation.
  if (s.status === 'interrupted')
    body = `\n      <error message="${escapeXml(s.reason)}" type="interrupted">${escapeXml(s.error?.hint ?? '')}</error>`;
  else if (s.status === 'error')
    body = `\n      <error message="${escapeXml(s.error?.message ?? s.reason)}" type="harness-error">${escapeXml(s.error?.hint ?? '')}</error>`;
  else if (s.status === 'failure')
    body = `\n      <failure message="${escapeXml(s.reason)}" type="${escapeXml(s.classification)}">${escapeXml(lines)}</failure>`;
  return `${head}${body}\n      <system-out>${escapeXml(`${s.reason}\n${lines}`)}</system-out>\n    </testcase>`;
}

/** `junit.xml`: one testcase per scenario; a failed expectation is a failure, a harness problem or an interruption an error. */
export class JunitReporter implements Reporter {
  readonly name = 'junit';

  async write(report: RunReport, dir: string): Promise<string[]> {
    const { total, failed, errors, interrupted = 0 } = report.summary;
    const time = seconds(Date.parse(report.finishedAt) - Date.parse(report.startedAt), 3);
    const text = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="rehearsal (${escapeXml(report.platform)})" tests="${total}" failures="${failed}" errors="${errors + interrupted}" time="${time}">`,
      ...report.scenarios.map((s, i) => suite(s, i, report.startedAt.slice(0, 19))),
      '</testsuites>',
      '',
    ].join('\n');
    const file = join(dir, 'junit.xml');
    await writeFile(file, text);
    return [file];
  }
}
