import { describe, expect, it } from 'vitest';
import {
  apiMessage,
  podProblem,
  podReady,
  rolloutDone,
  selectorOf,
} from '../../../sim/platform/kind/kube.js';

describe('rollout and pod state', () => {
  const deployment = (status: object, generation = 2, replicas = 2) => ({
    metadata: { generation },
    spec: { replicas },
    status,
  });

  it('a rollout is done when observed, updated and available for every replica, with no old pods left', () => {
    expect(
      rolloutDone(
        deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      ),
    ).toBe(true);
    expect(
      rolloutDone(
        deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      ),
    ).toBe(false);
    expect(
      rolloutDone(
        deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }),
      ),
    ).toBe(false);
    expect(
      rolloutDone(
        deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }),
      ),
    ).toBe(false);
    expect(rolloutDone(deployment({}))).toBe(false);
    expect(rolloutDone(deployment({ observedGeneration: 2 }, 2, 0))).toBe(true);
  });

  it('names the pods that cannot start without help (image not loaded, crash loop) and ignores ordinary waiting', () => {
    const waiting = (reason: string, message?: string) => ({
      metadata: { name: 'judge-v2-abc' },
      status: {
        containerStatuses: [
          { name: 'judge', state: { waiting: { reason, ...(message ? { message } : {}) } } },
        ],
      },
    });
    expect(podProblem(waiting('ErrImageNeverPull', 'image not present'))).toBe(
      'judge-v2-abc/judge: ErrImageNeverPull (image not present)',
    );
    expect(podProblem(waiting('CrashLoopBackOff'))).toBe('judge-v2-abc/judge: CrashLoopBackOff');
    expect(podProblem(waiting('ContainerCreating'))).toBeUndefined();
    expect(podProblem({})).toBeUndefined();
  });

  it('a pod is ready when its Ready condition is True and it is not being deleted', () => {
    const ready = { status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    expect(podReady(ready)).toBe(true);
    expect(podReady({ ...ready, metadata: { deletionTimestamp: '2026-11-27T20:00:00Z' } })).toBe(false);
    expect(podReady({ status: { conditions: [{ type: 'Ready', status: 'False' }] } })).toBe(false);
  });

  it("selectors and the API server's own messages", () => {
    expect(selectorOf({ app: 'judge-service', 'rehearsal.run': 'r1' })).toBe(
      'app=judge-service,rehearsal.run=r1',
    );
    expect(
      apiMessage({ body: JSON.stringify({ kind: 'Status', message: 'namespaces "x" already exists' }) }),
    ).toBe('namespaces "x" already exists');
    expect(apiMessage({ body: { message: 'forbidden' } })).toBe('forbidden');
    expect(apiMessage(new Error('socket hang up'))).toBe('socket hang up');
  });
});
