import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { CLUSTER_CONFIG } from '../../../sim/platform/kind/commands.js';
import { ROUTER_NODE_PORTS } from '../../../sim/platform/kind/manifests.js';

// The fields of kind's v1alpha4 Cluster config this file uses, strictly: a misspelt key fails here, not in CI.
const portMapping = z.strictObject({
  containerPort: z.number().int().min(1).max(65535),
  hostPort: z.number().int().min(1).max(65535),
  listenAddress: z.string().optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
});
const node = z.strictObject({
  role: z.enum(['control-plane', 'worker']),
  image: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  extraPortMappings: z.array(portMapping).optional(),
});
const clusterConfig = z.strictObject({
  kind: z.literal('Cluster'),
  apiVersion: z.literal('kind.x-k8s.io/v1alpha4'),
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .optional(),
  nodes: z.array(node).min(1),
});

describe('fixtures/kind/cluster.yaml', () => {
  const config = clusterConfig.parse(parse(readFileSync(CLUSTER_CONFIG, 'utf8')));

  it('is a kind.x-k8s.io/v1alpha4 Cluster with one control-plane node (all pods share the store volume on it)', () => {
    expect(config.nodes.map((n) => n.role)).toEqual(['control-plane']);
  });

  it("publishes the router Service's NodePorts on 127.0.0.1 only, at the same host ports", () => {
    const mappings = config.nodes[0]!.extraPortMappings ?? [];
    expect(mappings.map((p) => p.containerPort).sort()).toEqual(
      [ROUTER_NODE_PORTS.http, ROUTER_NODE_PORTS.admin].sort(),
    );
    for (const p of mappings) {
      expect(p.listenAddress).toBe('127.0.0.1');
      expect(p.hostPort).toBe(p.containerPort);
      expect(p.containerPort).toBeGreaterThanOrEqual(30000);
      expect(p.containerPort).toBeLessThanOrEqual(32767);
    }
  });

  it('uses no node image of its own (kind picks the one matching its version)', () => {
    expect(config.nodes.every((n) => n.image === undefined)).toBe(true);
  });
});
