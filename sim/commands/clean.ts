import { ExitCode } from '../util/errors.js';
import type { Command } from './command.js';

/** `rehearse clean`: removes Docker leftovers of crashed runs, found by this tool's labels only. */
export const cleanCommand: Command = {
  name: 'clean',
  summary: 'remove containers, networks and volumes that crashed runs left behind (only ours, by label)',
  usage: 'rehearse clean [--all] [--images] [--kubeconfig FILE] [--context NAME]',
  options: {
    all: { type: 'boolean', description: 'also remove resources of runs that are still in progress' },
    images: {
      type: 'boolean',
      description: 'also remove the cached images (rebuilt on the next docker run)',
    },
    kubeconfig: {
      type: 'string',
      description: "kind: look for leftover namespaces in this kubeconfig's cluster",
    },
    context: { type: 'string', description: "kind: look for leftover namespaces in this context's cluster" },
  },
  async run(ctx) {
    // Imported here, not above: every command module loads with the CLI, and `validate` must not load these clients.
    const { cleanKube, kubeCleanLines } = await import('../platform/kind/cleanup.js');
    const { connectEngine, ENGINE_HINT, probeEngine } = await import('../platform/docker/engine.js');
    const { cleanLeftovers } = await import('../platform/docker/cleanup.js');
    const target = {
      ...(ctx.flags.kubeconfig ? { kubeconfig: String(ctx.flags.kubeconfig) } : {}),
      ...(ctx.flags.context ? { context: String(ctx.flags.context) } : {}),
    };
    for (const line of kubeCleanLines(await cleanKube(target, { all: ctx.flags.all === true }, ctx.env)))
      ctx.out(line);
    const docker = connectEngine();
    const engine = await probeEngine(docker);
    if (!engine.reachable) {
      ctx.err(`${engine.detail} — nothing cleaned; ${ENGINE_HINT}`);
      return ExitCode.platformUnavailable;
    }
    const removed = await cleanLeftovers(docker, {
      all: ctx.flags.all === true,
      images: ctx.flags.images === true,
    });
    const counts = [
      `${removed.containers.length} container(s)`,
      `${removed.networks.length} network(s)`,
      `${removed.volumes.length} volume(s)`,
      ...(ctx.flags.images ? [`${removed.images.length} image(s)`] : []),
    ];
    ctx.out(`removed ${counts.join(', ')} labelled rehearsal=1`);
    for (const name of [...removed.containers, ...removed.networks, ...removed.volumes, ...removed.images])
      ctx.out(`  ${name}`);
    if (removed.spared > 0)
      ctx.out(`spared ${removed.spared} resource(s) of runs still in progress (--all removes them too)`);
    return ExitCode.ok;
  },
};
