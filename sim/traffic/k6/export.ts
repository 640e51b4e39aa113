import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedScenario } from '../../scenario/load.js';
import { ExitCode, RehearsalError } from '../../util/errors.js';
import { paths } from '../../util/paths.js';
import { k6Judge0Refusal } from '../../vocabulary/traffic-apis.js';
import { loadCorpus } from '../corpus.js';
import { type PlannedRequest, planTraffic } from '../schedule.js';
import { makeUsers } from '../users.js';
import { buildK6Data } from './data-file.js';
import { generateK6Script } from './script.js';

/** The files an export wrote. */
export interface K6Export {
  script: string;
  data: string;
  requests: number;
  solutions: number;
}

/** The seeded plan of a scenario, exactly as the built-in driver would send it. */
export function planFor(loaded: LoadedScenario, problemsDir = paths.problems): PlannedRequest[] {
  const { scenario } = loaded;
  return planTraffic(
    scenario.traffic,
    scenario.seed,
    makeUsers(scenario.traffic.users, scenario.seed),
    loadCorpus(problemsDir),
  );
}

/** Writes `<name>.k6.js` and `<name>.data.json` into `dir` for a scenario (or for a plan made already). */
export function exportK6(loaded: LoadedScenario, dir: string, schedule?: PlannedRequest[]): K6Export {
  const { scenario, file } = loaded;
  if (scenario.traffic.api === 'judge0') {
    throw new RehearsalError(
      `${file}: traffic.api judge0 cannot be sent by k6: ${k6Judge0Refusal}`,
      'rehearse run sends judge0 traffic with the built-in driver',
      ExitCode.invalidScenario,
    );
  }
  schedule ??= planFor(loaded);
  const script = join(dir, `${scenario.name}.k6.js`);
  const data = join(dir, `${scenario.name}.data.json`);
  const content = buildK6Data(scenario.name, scenario.seed, schedule);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(data, `${JSON.stringify(content)}\n`);
    writeFileSync(script, generateK6Script({ scenario, file, dataFile: `${scenario.name}.data.json` }));
  } catch (error) {
    throw new RehearsalError(
      `cannot write the k6 script to ${dir}`,
      'choose a writable folder with -o DIR',
      ExitCode.rehearsalFailed,
      { cause: error },
    );
  }
  return { script, data, requests: content.requests.length, solutions: content.solutions.length };
}
