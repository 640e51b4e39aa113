import { createPlatform, platformNames } from '../platform/index.js';
import { ExitCode } from '../util/errors.js';
import type { Command } from './command.js';

/** `rehearse doctor`: probes every platform and says what each needs. */
export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'show which platforms can run here, and what is missing',
  usage: 'rehearse doctor',
  options: {},
  async run(ctx) {
    let localOk = true;
    for (const name of platformNames) {
      const probe = await createPlatform(name).probe();
      if (name === 'local') localOk = probe.available;
      ctx.out(`${probe.available ? 'ok ' : 'no '} ${name.padEnd(7)} ${probe.detail}${probe.hint ? ` — ${probe.hint}` : ''}`);
    }
    return localOk ? ExitCode.ok : ExitCode.platformUnavailable;
  },
};
