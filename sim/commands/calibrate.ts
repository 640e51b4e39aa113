import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createPlatform } from '../platform/index.js';
import { calibrate } from '../simulate/calibration.js';
import { modelFile } from '../simulate/model.js';
import { parseDuration } from '../util/duration.js';
import { ExitCode, RehearsalError } from '../util/errors.js';
import { pct } from '../util/format.js';
import type { Command } from './command.js';

function number(flag: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new RehearsalError(
      `--${flag} must be a number ${min}–${max}, got ${String(value)}`,
      `for example --${flag} ${fallback}`,
      ExitCode.invalidScenario,
    );
  return n;
}

/** `rehearse calibrate`: measures the judge service on the local platform and writes the model `rehearse simulate` uses. */
export const calibrateCommand: Command = {
  name: 'calibrate',
  summary:
    'measure the judge service locally (latency per request kind, errors, capacity) and write fixtures/judge-model.json',
  usage: 'rehearse calibrate [--duration 20s] [--rate 30] [--replicas 2] [--workers 2] [--out FILE]',
  options: {
    duration: { type: 'string', description: 'how long to send traffic (default 20s, at most 2m)' },
    rate: { type: 'string', description: 'requests per second (default 30)' },
    replicas: { type: 'string', description: 'instances (default 2, as in the shipped scenarios)' },
    workers: { type: 'string', description: 'sandbox workers per instance (default 2, the service default)' },
    out: { type: 'string', description: 'model file to write (default fixtures/judge-model.json)' },
  },
  async run(ctx) {
    const durationMs =
      ctx.flags.duration === undefined ? 20_000 : (parseDuration(String(ctx.flags.duration)) ?? Number.NaN);
    if (!(durationMs >= 2000 && durationMs <= 120_000))
      throw new RehearsalError(
        `--duration must be 2s–2m, got ${String(ctx.flags.duration)}`,
        'for example --duration 20s',
        ExitCode.invalidScenario,
      );
    const rate = number('rate', ctx.flags.rate, 30, 1, 500);
    const replicas = number('replicas', ctx.flags.replicas, 2, 1, 8);
    const workers = number('workers', ctx.flags.workers, 2, 1, 8);
    const out = ctx.flags.out ? resolve(ctx.cwd, String(ctx.flags.out)) : modelFile;
    const platform = await createPlatform('local');
    const probe = await platform.probe();
    if (!probe.available)
      throw new RehearsalError(
        `platform local unavailable: ${probe.detail}`,
        probe.hint ?? '`rehearse doctor` shows what is missing',
        ExitCode.platformUnavailable,
      );
    const workdir = mkdtempSync(join(tmpdir(), 'rehearse-calibrate-'));
    ctx.out(
      `calibrating: ${replicas} instance(s) × ${workers} worker(s), ${rate} req/s for ${durationMs / 1000}s through the router…`,
    );
    try {
      await platform.start({ runId: 'calibrate', workdir, log: ctx.log, signal: ctx.signal });
      const model = await calibrate(platform, {
        rate,
        durationMs,
        replicas,
        workers,
        seed: 1,
        signal: ctx.signal,
      });
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(model, null, 2)}\n`);
      for (const [kind, k] of Object.entries(model.kinds))
        ctx.out(
          `  ${kind.padEnd(12)} median ${k.medianMs.toFixed(1)} ms, p95 ${k.p95Ms.toFixed(1)} ms, errors ${pct(k.errorRate, 2)} over ${k.samples}`,
        );
      ctx.out(
        `  capacity ≈ ${model.capacity.perInstanceRps} req/s per instance; deploy ${model.deployMs} ms; scrape ${model.monitoring.lagMs} ms; wrong verdicts ${pct(model.wrongVerdictRate, 2)}`,
      );
      ctx.out(`model: ${relative(ctx.cwd, out) || out}`);
      return ExitCode.ok;
    } finally {
      await platform.dispose();
      rmSync(workdir, { recursive: true, force: true });
    }
  },
};
