import { z } from 'zod';
import { analysisSchema } from '../../analysis/config.js';
import { duration } from '../../vocabulary/scenario-fields.js';
import type { Action } from '../actions.js';
import { approveSchema } from './common.js';

/** Smoke requests per second sent to a preview when the scenario does not say (also the rate of any preview outside blue-green). */
export const DEFAULT_PREVIEW_RATE = 10;

/** Configuration of the blue-green strategy (Argo Rollouts' activeService/previewService, with instant switch-back). */
export const blueGreenSchema = z.strictObject({
  type: z.literal('blue-green'),
  preview: z
    .strictObject({
      /** Pre-promotion analysis on the preview, while smoke traffic reaches green by header. */
      analyze: duration.default(8000),
      /** Smoke requests per second sent to the preview. */
      rate: z.number().gt(0).max(200).default(DEFAULT_PREVIEW_RATE),
    })
    .default({ analyze: 8000, rate: DEFAULT_PREVIEW_RATE }),
  /** A manual gate before the switch. */
  approve: approveSchema.optional(),
  /** Post-switch analysis; a failure switches back to blue at once. */
  postSwitch: z.strictObject({ analyze: duration.default(8000) }).default({ analyze: 8000 }),
  /** How long blue stays warm (in the pool at weight 0) after promotion before it is scaled down. */
  scaleDownDelay: duration.default(3000),
  analysis: analysisSchema.default(analysisSchema.parse({})),
});

/** The blue-green strategy's configuration after defaults. */
export type BlueGreenConfig = z.output<typeof blueGreenSchema>;

/** Blue-green: green beside blue, previewed by header and analysed, switched at once, analysed again, blue retired later. */
export function planBlueGreen(
  config: BlueGreenConfig,
  candidate: { version: string; replicas: number },
): Action[] {
  return [
    { kind: 'deploy', version: candidate.version, replicas: candidate.replicas },
    { kind: 'preview', on: true },
    { kind: 'analyze', ms: config.preview.analyze },
    { kind: 'preview', on: false },
    ...(config.approve ? [{ kind: 'approve' as const, ...config.approve }] : []),
    { kind: 'setWeight', weight: 100 },
    { kind: 'analyze', ms: config.postSwitch.analyze },
    { kind: 'promote' },
    { kind: 'retireStable', afterMs: config.scaleDownDelay },
  ];
}
