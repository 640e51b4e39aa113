import type { RunRecords, SimulatedRun } from './simulate-scenario.js';

export type { RunRecords };

/** The record a caller gets of `run`: the run itself when `full`, else the run without its analysis measurements. */
export function recordOf(run: SimulatedRun, records: RunRecords): SimulatedRun {
  if (records === 'full') return run;
  return {
    ...run,
    controller: { ...run.controller, measurements: [] },
    // Every event keeps its type, time and message (the judgement and the tuner read those); only the analysis
    // rounds' copy of the measurements goes.
    events: run.events.map((e) => {
      if (e.type !== 'analysis' || !e.data || !('measurements' in e.data)) return e;
      const { measurements: _, ...rest } = e.data;
      const { data: _data, ...event } = e;
      return Object.keys(rest).length > 0 ? { ...event, data: rest } : event;
    }),
  };
}
