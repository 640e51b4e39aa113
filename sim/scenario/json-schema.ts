import { z } from 'zod';
import { checkKindSchemas, checkSchema } from '../analysis/config.js';
import { durationInput } from '../vocabulary/scenario-fields.js';
import { scenarioSchema } from './schema.js';

/** Where the exported schema is committed, relative to the repository root. */
export const scenarioSchemaPath = 'schemas/scenario.schema.json';

/** The command that rewrites the committed schema files. */
export const regenerateCommand = 'npm run schemas';

const DESCRIPTION =
  'A Rehearsal scenario file as written (durations as "30s", "250ms", "2m", "1h" or a number of seconds). ' +
  `Exported from sim/scenario/schema.ts by \`${regenerateCommand}\`; do not edit by hand. ` +
  'It checks the shape, types, number ranges and names (strategies, faults, check kinds, metrics). ' +
  'Rules written as refinements are not expressible here and only `rehearse validate` reports them: ' +
  'stable and candidate differ; toggles name a version of the scenario and a judge service toggle; faults start ' +
  'before traffic ends and target a version of the scenario (crash-on-start the candidate only); ' +
  'analysis.interval is at least 100ms; duration ranges (traffic.duration 1s–1h, readinessProbe period and timeout); ' +
  'setWeight, mirror and bucket are 0–100; a canary step has exactly one action; approve has after or whenPassing, ' +
  'not both; rolling maxSurge and maxUnavailable are not both 0; the traffic mix has a share above 0; ' +
  'a threshold check has max or min.';

const durationJson = {
  description: 'a duration: "250ms", "15s", "2m", "1h", or a number of seconds',
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?(ms|s|m|h)\\s*$' },
  ],
};

// Only the root call extracts repeated parts into definitions: a nested call's own definitions would not resolve.
function inputSchema(schema: z.ZodType, reused: 'ref' | 'inline' = 'inline'): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-7',
    reused,
    override,
  });
  return json;
}

// zod exports a transform by its input, which for these two is too loose (any string, anything at all).
function override(ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  if (ctx.zodSchema === durationInput) replace(ctx.jsonSchema, durationJson);
  else if (ctx.zodSchema === checkSchema)
    replace(ctx.jsonSchema, {
      description:
        'a check: { metric } (threshold), { compare, test: sequential | mann-whitney } or { slo } (burn rate)',
      anyOf: checkKindSchemas.map((s) => inputSchema(s)),
    });
}

function replace(target: Record<string, unknown>, value: Record<string, unknown>): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, value);
}

/** The JSON Schema (draft-07, which yaml-language-server reads) of a scenario file, input side, as committed in schemas/scenario.schema.json. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'rehearsal/scenario.schema.json',
    title: 'Rehearsal scenario',
    description: DESCRIPTION,
    ...inputSchema(scenarioSchema, 'ref'),
  };
}

/** The committed file's text: the schema, two-space indented, with a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
