import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { RunReport } from '../../sim/vocabulary/report-model.js';

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The JUnit XSD of the Jenkins xUnit plugin (MIT), committed in schemas/. */
export const junitXsd = resolve(root, 'schemas', 'junit-10.xsd');

/** A fresh copy of the committed report fixture (a real run: a rollback, a promotion, a failed expectation). */
export function fixtureReport(): RunReport {
  return JSON.parse(readFileSync(join(root, 'test/fixtures/report.json'), 'utf8')) as RunReport;
}

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addFormat('date-time', {
  type: 'string',
  validate: (s: string) => /^\d{4}-\d\d-\d\dT/.test(s) && !Number.isNaN(Date.parse(s)),
});
const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'schemas/report.schema.json'), 'utf8')));

/** Problems of a report against schemas/report.schema.json (empty when valid). */
export function schemaErrors(report: unknown): string[] {
  return validate(report) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Whether xmllint is installed. */
export const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

/** Validates an XML file against an XSD with xmllint; returns its output and exit status. */
export function xmllint(file: string, xsd: string): { status: number | null; output: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Runs the built CLI; returns exit code and output. */
export function cli(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'dist/sim/cli.js'), ...args], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, CI: 'true', ...env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Whether the CLI has been built (tests that run it need `npx tsc -p tsconfig.json` first). */
export function ensureBuilt(): void {
  if (!existsSync(join(root, 'dist/sim/cli.js')))
    execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root });
}

type SchemaNode = {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
};

const reportSchema = JSON.parse(
  readFileSync(join(root, 'schemas/report.schema.json'), 'utf8'),
) as SchemaNode & {
  definitions: Record<string, SchemaNode>;
};

/** Paths of properties a report carries that the schema does not describe (the schema allows them; this keeps it in sync). */
export function undocumented(value: unknown, node: SchemaNode = reportSchema, path = ''): string[] {
  const n = node.$ref ? reportSchema.definitions[node.$ref.replace('#/definitions/', '')]! : node;
  if (Array.isArray(value))
    return n.items ? value.flatMap((v, i) => undocumented(v, n.items!, `${path}[${i}]`)) : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const child =
      n.properties?.[k] ?? (typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined);
    if (child) return undocumented(v, child, `${path}.${k}`);
    return n.properties && n.additionalProperties === undefined ? [`${path}.${k}`] : [];
  });
}
