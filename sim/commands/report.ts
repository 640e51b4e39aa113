import { dirname, resolve } from 'node:path';
import { compareReports, renderComparison } from '../report/compare.js';
import { loadReport, reportFile } from '../report/load-report.js';
import { writeReports } from '../report/reporter.js';
import { reporterClasses } from '../report/reporters.js';
import { ExitCode, RehearsalError } from '../util/errors.js';
import type { Command } from './command.js';

/** `rehearse report`: rebuilds junit.xml, summary.md and index.html from a run's report.json, or compares two runs. */
export const reportCommand: Command = {
  name: 'report',
  summary:
    "rebuild junit.xml, summary.md and index.html from a run's report.json; --compare OLD NEW shows what got worse (exit 1 if anything did)",
  usage: 'rehearse report <run-dir> | rehearse report --compare <old-run> <new-run>',
  options: {
    compare: {
      type: 'boolean',
      description:
        'compare two runs (folders or report.json files): new failures, blast radius, detection and rollback times',
    },
    out: { type: 'string', description: 'folder to write the rebuilt reports to (default: the run folder)' },
  },
  async run(ctx) {
    const paths = ctx.args.map((a) => resolve(ctx.cwd, a));
    if (ctx.flags.compare) {
      if (paths.length !== 2)
        throw new RehearsalError(
          `--compare needs two runs, got ${paths.length}`,
          'rehearse report --compare reports/<old-run> reports/<new-run>',
          ExitCode.invalidScenario,
        );
      const before = loadReport(paths[0]!);
      const after = loadReport(paths[1]!);
      const changes = compareReports(before, after);
      ctx.out(renderComparison(before, after, changes));
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
