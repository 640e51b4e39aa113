import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  regenerateCommand,
  scenarioJsonSchema,
  scenarioJsonSchemaText,
  scenarioSchemaPath,
} from '../../sim/scenario/json-schema.js';
import { parseScenario } from '../../sim/scenario/load.js';
import { scenarioYaml } from '../helpers/scenario-text.js';
import { root } from '../report/helpers.js';

const committed = readFileSync(join(root, scenarioSchemaPath), 'utf8');
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(committed));
const errors = (data: unknown) =>
  validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
const shipped = readdirSync(join(root, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: `scenarios/${f}`, text: readFileSync(join(root, 'scenarios', f), 'utf8') }));

describe('schemas/scenario.schema.json', () => {
  it('is what sim/scenario/schema.ts exports (else regenerate it)', () => {
    const hint = `${scenarioSchemaPath} is out of date with sim/scenario/schema.ts: run \`${regenerateCommand}\` and commit it`;
    expect(committed === scenarioJsonSchemaText(), hint).toBe(true);
  });

  it('compiles under ajv strict mode', () => {
    expect(() => new Ajv({ strict: true }).compile(scenarioJsonSchema())).not.toThrow();
  });

  it.each(shipped)('accepts $file, which the loader accepts too', ({ file, text }) => {
    expect(parseScenario(text, file).problems).toEqual([]);
    expect(errors(parse(text))).toEqual([]);
  });

  it.each(shipped)('is named by the modeline on the first line of $file', ({ text }) => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/scenario.schema.json');
  });

  it('rejects an unknown metric name, listing the known ones', () => {
    const yaml = scenarioYaml({
      strategy:
        'strategy:\n  type: canary\n  steps: [ { setWeight: 10 } ]\n  analysis:\n    checks:\n      - { metric: error_rat, max: 0.01 }',
    });
    expect(validate(parse(yaml))).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('error_rate');
    expect(parseScenario(yaml, 'x.yaml').problems.join('\n')).toContain('error_rat');
  });

  it('rejects a malformed duration, an unknown field and an unknown fault type', () => {
    expect(
      errors(
        parse(
          scenarioYaml({
            traffic: 'traffic:\n  profile: { type: constant, rate: 10 }\n  duration: 10 seconds',
          }),
        ),
      ),
    ).not.toEqual([]);
    expect(errors(parse(scenarioYaml({ seed: 'seed: 3\nsede: 4' })))).not.toEqual([]);
    expect(
      errors(
        parse(scenarioYaml({ faults: 'faults:\n  - { type: http-error, target: candidate, rate: 0.05 }' })),
      ),
    ).not.toEqual([]);
    expect(errors(parse(scenarioYaml()))).toEqual([]);
  });

  it('says which rules it cannot express', () => {
    expect(scenarioJsonSchema().description).toMatch(/not expressible.*rehearse validate/);
  });
});
