#!/usr/bin/env node
import { parseRouterArgs, USAGE } from './args.js';
import { startRouter } from './router.js';

// The program's exit codes mean what `rehearse`'s do (sim/util/errors.ts), written out here because the router
// imports nothing outside its own folder.
const EXIT = { ok: 0, failed: 1, usage: 2, cannotStart: 3 } as const;

const parsed = parseRouterArgs(process.argv.slice(2), process.env);
if (!parsed.ok) {
  console.error(`router: invalid arguments:\n  ${parsed.problems.join('\n  ')}\n${USAGE}`);
  process.exit(EXIT.usage);
}
const { args } = parsed;
// Read once; the secret need not stay in this process's environment.
delete process.env.REHEARSAL_ROUTER_TOKEN;
if (args.help) {
  console.log(USAGE);
  process.exit(EXIT.ok);
}

try {
  const router = await startRouter({
    host: args.host,
    port: args.port,
    adminPort: args.adminPort,
    token: args.token,
    upstreamTimeoutMs: args.upstreamTimeoutMs,
  });
  console.log(JSON.stringify({ msg: 'listening', port: router.port, adminPort: router.adminPort }));
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(EXIT.ok), 2_000);
    force.unref();
    router.close().then(
      () => {
        console.log(JSON.stringify({ msg: 'stopped', reason }));
        process.exit(EXIT.ok);
      },
      () => process.exit(EXIT.failed),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (args.exitOnStdinClose) {
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.on('error', () => stop('stdin error'));
    process.stdin.resume();
  }
} catch (err) {
  console.error(`router: ${(err as Error).message}`);
  process.exit(EXIT.cannotStart);
}
