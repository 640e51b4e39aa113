import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../sim/simulate/model.js';
import { processesTagged, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('rehearse calibrate (local platform, live, short)', () => {
  it('measures the judge service through the router and writes a valid model file, leaving no process behind', async () => {
    const out = join(tempDir('rehearsal-cal-'), 'model.json');
    const tag = `calibrate-${process.pid}`;
    const result = await runCli(['calibrate', '--duration', '3s', '--rate', '15', '--out', out], { tag });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const model = loadModel(out);
    expect(model.source).toBe('calibrate');
    expect(model.kinds.submit.samples).toBeGreaterThan(10);
    expect(model.kinds.submit.p95Ms).toBeGreaterThanOrEqual(model.kinds.submit.medianMs);
    expect(model.capacity.perInstanceRps).toBeGreaterThan(0);
    expect(model.calibration).toMatchObject({ rate: 15, durationMs: 3000, replicas: 2 });
    expect(processesTagged(tag)).toEqual([]);
  }, 90_000);

  it('refuses a duration outside 2s–2m before starting anything', async () => {
    const result = await runCli(['calibrate', '--duration', '10m']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--duration must be 2s–2m/);
  });
});
