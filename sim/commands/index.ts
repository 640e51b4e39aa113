import { calibrateCommand } from './calibrate.js';
import { cleanCommand } from './clean.js';
import type { Command } from './command.js';
import { doctorCommand } from './doctor.js';
import { exportK6Command } from './export-k6.js';
import { importCommand } from './import.js';
import { listCommand } from './list.js';
import { planCommand } from './plan.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { simulateCommand } from './simulate.js';
import { tuneCommand } from './tune.js';
import { validateCommand } from './validate.js';

/** Every `rehearse` sub-command by name. Add a command by adding a file and a line here. */
export const commands = {
  run: runCommand,
  validate: validateCommand,
  plan: planCommand,
  doctor: doctorCommand,
  clean: cleanCommand,
  'export-k6': exportK6Command,
  import: importCommand,
  list: listCommand,
  report: reportCommand,
  simulate: simulateCommand,
  calibrate: calibrateCommand,
  tune: tuneCommand,
} as const satisfies Record<string, Command>;

export type { Command, CommandContext, Flags } from './command.js';
