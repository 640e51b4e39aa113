import { createPlatform, platformNames } from '../platform/index.js';
import { probeK6 } from '../traffic/k6/runner.js';
import { ExitCode } from '../util/errors.js';
import type { Command } from './command.js';

/** `rehearse doctor`: probes every platform and says what each needs. */
export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'show which platforms (and the optional k6 traffic driver) can run here, and what is missing',
  usage: 'rehearse doctor',
  options: {},
  async run(ctx) {
    let localOk = true;
    for (const name of platformNames) {
      const probe = await createPlatform(name).probe();
      if (name === 'local') localOk = probe.available;
      ctx.out(
        `${probe.available ? 'ok ' : 'no '} ${name.padEnd(7)} ${probe.detail}${probe.hint ? ` — ${probe.hint}` : ''}`,
      );
    }
    const k6 = await probeK6(ctx.env.PATH);
    ctx.out(
      `${k6.available ? 'ok ' : 'no '} ${'k6'.padEnd(7)} traffic driver: ${k6.detail}${k6.hint ? ` — ${k6.hint}` : ''}`,
    );
    return localOk ? ExitCode.ok : ExitCode.platformUnavailable;
  },
};
