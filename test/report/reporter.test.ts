import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reporter } from '../../sim/report/reporter.js';
import { writeReports } from '../../sim/report/reporter.js';
import { defaultReporters } from '../../sim/report/reporters.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixtureReport } from './helpers.js';

describe('writeReports', () => {
  it('writes every format', async () => {
    const dir = tempDir('rehearsal-reports-');
    const out = await writeReports(defaultReporters(), fixtureReport(), dir);
    expect(out.failures).toEqual([]);
    expect(out.files.map((f) => f.slice(dir.length + 1))).toEqual([
      'report.json',
      'junit.xml',
      'summary.md',
      'index.html',
    ]);
  });

  it('records a reporter that throws (or rejects) and still runs the others', async () => {
    const dir = tempDir('rehearsal-reports-');
    const throwsSync: Reporter = {
      name: 'sync-bomb',
      write: () => {
        throw new Error('boom');
      },
    };
    const rejects: Reporter = {
      name: 'async-bomb',
      write: async () => Promise.reject(new Error('later boom')),
    };
    const [json, junit, md, html] = defaultReporters();
    const out = await writeReports([throwsSync, json!, rejects, junit!, md!, html!], fixtureReport(), dir);
    expect(out.failures).toEqual([
      { reporter: 'sync-bomb', error: 'boom' },
      { reporter: 'async-bomb', error: 'later boom' },
    ]);
    for (const f of ['report.json', 'junit.xml', 'summary.md', 'index.html'])
      expect(existsSync(join(dir, f)), f).toBe(true);
  });
});
