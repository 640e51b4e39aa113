import { dirname, resolve } from 'node:path';
import { compareReports, renderComparison, type Tolerances } from '../report/compare.js';
import { loadReport, reportFile } from '../report/load-report.js';
import { writeReports } from '../report/reporter.js';
import { reporterClasses } from '../report/reporters.js';
import { parseDuration } from '../util/duration.js';
import { ExitCode, RehearsalError } from '../util/errors.js';
import type { Command, Flags } from './command.js';

const USAGE = 'rehearse report --compare <old-run> <new-run> [--tolerance-time 2s] [--tolerance-count 3]';

/** The --tolerance-* flags, every bad value reported at once (exit 2). */
function tolerances(flags: Flags): Tolerances {
  const problems: string[] = [];
  const result: Tolerances = {};
  const time = flags['tolerance-time'];
  const count = flags['tolerance-count'];
  if (!flags.compare && (time !== undefined || count !== undefined))
    problems.push('--tolerance-time and --tolerance-count only apply to --compare');
  if (time !== undefined) {
    const text = String(time);
    const ms = parseDuration(/^\d+(\.\d+)?$/.test(text) ? Number(text) : text);
    if (ms === undefined)
      problems.push(
        `--tolerance-time must be a duration such as 500ms, 2s or 1m, got ${JSON.stringify(text)}`,
      );
    else result.timeMs = ms;
  }
  if (count !== undefined) {
    const text = String(count);
    if (!/^\d+$/.test(text))
      problems.push(
        `--tolerance-count must be a whole number of requests (0 or more), got ${JSON.stringify(text)}`,
      );
    else result.count = Number(text);
  }
  if (problems.length > 0) throw new RehearsalError(problems.join('\n'), USAGE, ExitCode.invalidScenario);
  return result;
}

/** `rehearse report`: rebuilds junit.xml, summary.md and index.html from a run's report.json, or compares two runs. */
export const reportCommand: Command = {
  name: 'report',
  summary:
    "rebuild junit.xml, summary.md and index.html from a run's report.json; --compare OLD NEW shows what got worse (exit 1 if anything did)",
  usage: `rehearse report <run-dir> | ${USAGE}`,
  options: {
    compare: {
      type: 'boolean',
      description:
        'compare two runs (folders or report.json files): new failures, blast radius, detection and rollback times',
    },
    'tolerance-time': {
      type: 'string',
      description:
        'with --compare: how much detection and rollback times may grow before they count as worse (default: one analysis interval of the scenario)',
    },
    'tolerance-count': {
      type: 'string',
      description:
        'with --compare: how many more failed, wrong-verdict or slow requests count as noise (default: max(2, 20% of the old count))',
    },
    out: { type: 'string', description: 'folder to write the rebuilt reports to (default: the run folder)' },
  },
  async run(ctx) {
    const paths = ctx.args.map((a) => resolve(ctx.cwd, a));
    const margins = tolerances(ctx.flags);
    if (ctx.flags.compare) {
      if (paths.length !== 2)
        throw new RehearsalError(
          `--compare needs two runs, got ${paths.length}`,
          'rehearse report --compare reports/<old-run> reports/<new-run>',
          ExitCode.invalidScenario,
        );
      const before = loadReport(paths[0]!);
      const after = loadReport(paths[1]!);
      const changes = compareReports(before, after, margins);
      ctx.out(renderComparison(before, after, changes, margins));
      return changes.some((c) => c.worse) ? ExitCode.rehearsalFailed : ExitCode.ok;
    }
    if (paths.length !== 1)
      throw new RehearsalError(
        `report needs one run folder, got ${paths.length}`,
        'rehearse report reports/<run-id>',
        ExitCode.invalidScenario,
      );
    const report = loadReport(paths[0]!);
    const dir = ctx.flags.out ? resolve(ctx.cwd, String(ctx.flags.out)) : dirname(reportFile(paths[0]!));
    const { json: _json, ...formats } = reporterClasses;
    const written = await writeReports(
      Object.values(formats).map((R) => new R()),
      report,
      dir,
    );
    for (const f of written.files) ctx.out(f);
    for (const f of written.failures) ctx.err(`error: reporter ${f.reporter} failed: ${f.error}`);
    return written.failures.length ? ExitCode.rehearsalFailed : ExitCode.ok;
  },
};
