import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunReport } from './model.js';
import type { Reporter } from './reporter.js';

/** `report.json`: the machine-readable truth every other format is built from. */
export class JsonReporter implements Reporter {
  readonly name = 'json';

  async write(report: RunReport, dir: string): Promise<string[]> {
    const file = join(dir, 'report.json');
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    return [file];
  }
}
