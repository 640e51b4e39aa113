import { findPrometheus, prometheusInstallHint } from '../monitor/prometheus-server.js';
import { externalVersions } from '../platform/external.js';
import { createPlatform } from '../platform/index.js';
import { loadScenarios } from '../scenario/load.js';
import { probeK6 } from '../traffic/k6/runner.js';
import { ExitCode, messageOf } from '../util/errors.js';
import { clusterPlatforms, type PlatformOptions, platformNames } from '../vocabulary/platforms.js';
import type { Command } from './command.js';

/** `rehearse doctor`: probes every platform and says what each needs. */
export const doctorCommand: Command = {
  name: 'doctor',
  summary:
    'show which platforms (and the optional k6 traffic driver and Prometheus) can run here, and what is missing',
  usage: 'rehearse doctor [scenario files|dirs] [--cluster NAME] [--kubeconfig FILE] [--context NAME]',
  options: {
    cluster: { type: 'string', description: 'kind: check this existing kind cluster' },
    kubeconfig: { type: 'string', description: 'kind: check the cluster of this kubeconfig file' },
    context: { type: 'string', description: 'kind: check this kubeconfig context' },
  },
  async run(ctx) {
    let localOk = true;
    // With scenarios: whether each platform can start their external services (commands, local images).
    const external = ctx.args.length ? loadScenarios(ctx.args, ctx.cwd).flatMap(externalVersions) : [];
    for (const name of platformNames) {
      // A probe that throws is a bug in that probe, not a reason to hide the others.
      const platform = await createPlatform(
        name,
        clusterPlatforms.includes(name) ? clusterFlags(ctx.flags) : {},
      );
      const probe = await platform.probe().catch((error: unknown) => ({
        name,
        available: false,
        detail: `probe failed: ${messageOf(error)}`,
        hint: 'report this; the other platforms are unaffected',
      }));
      if (name === 'local') localOk = probe.available;
      ctx.out(
        `${probe.available ? 'ok ' : 'no '} ${name.padEnd(7)} ${probe.detail}${probe.hint ? ` — ${probe.hint}` : ''}`,
      );
      if (external.length === 0 || !probe.available) continue;
      const problems = await platform.checkExternal(external);
      ctx.out(
        problems.length === 0
          ? `ok  ${name.padEnd(7)} external services: ${external.length} version(s) can start`
          : problems.map((p) => `no  ${name.padEnd(7)} ${p}`).join('\n'),
      );
    }
    const k6 = await probeK6(ctx.env.PATH);
    ctx.out(
      `${k6.available ? 'ok ' : 'no '} ${'k6'.padEnd(7)} traffic driver: ${k6.detail}${k6.hint ? ` — ${k6.hint}` : ''}`,
    );
    const prometheus = findPrometheus(ctx.env.PATH);
    ctx.out(
      `${prometheus ? 'ok ' : 'no '} ${'prom'.padEnd(7)} monitoring source (--prometheus): ${prometheus ?? `not found — ${prometheusInstallHint}`}`,
    );
    return localOk ? ExitCode.ok : ExitCode.platformUnavailable;
  },
};

function clusterFlags(flags: Record<string, unknown>): PlatformOptions {
  const out: PlatformOptions = {};
  for (const key of ['cluster', 'kubeconfig', 'context'] as const)
    if (typeof flags[key] === 'string') out[key] = flags[key];
  return out;
}
