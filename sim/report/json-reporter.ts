import { writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { packageRoot } from '../util/paths.js';
import type { RunReport } from '../vocabulary/report-model.js';
import type { Reporter } from './reporter.js';

/** Where the JSON Schema of report.json lives in the package. */
export const reportSchemaPath = join(packageRoot, 'schemas', 'report.schema.json');

/** `report.json`: the machine-readable truth every other format is built from. */
export class JsonReporter implements Reporter {
  readonly name = 'json';

  async write(report: RunReport, dir: string): Promise<string[]> {
    const file = join(dir, 'report.json');
    const $schema = relative(dir, reportSchemaPath).split(sep).join('/');
    const { $schema: _old, ...rest } = report;
    await writeFile(file, `${JSON.stringify({ $schema, ...rest }, null, 2)}\n`);
    return [file];
  }
}
