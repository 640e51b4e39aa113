import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { routerMetrics as names } from '../sim/router/metric-names.js';
import { LATENCY_BUCKETS, RouterMetrics } from '../sim/router/metrics.js';

// `node dist/bench/router-metrics-bench.js [--smoke]`: the metric updates the router makes per proxied request
// (in-flight up and down, one code counter, one histogram observation), done by the router's own counters and by
// prom-client with cached label children, in the same run. Prints CPU time per request for each and the ratio,
// then the same for rendering /metrics. Rounds alternate between the two; each figure is the median round.

const smoke = process.argv.includes('--smoke');
const requests = smoke ? 20_000 : 2_000_000;
const renders = smoke ? 20 : 2_000;
const rounds = smoke ? 1 : 5;
const versions = ['v1', 'v2'];
const upstreamsPerVersion = 3;
const codes = [200, 200, 200, 200, 200, 200, 200, 201, 404, 500];
// Durations drawn once so both sides observe the same values.
const durations = Array.from({ length: 4096 }, (_, i) => 0.0005 * 1.003 ** i);

function own(): { hot: (n: number) => void; render: () => Promise<string> } {
  const metrics = new RouterMetrics();
  const stats = versions.map((v) => metrics.version(v));
  const counts = versions.flatMap((v) =>
    Array.from({ length: upstreamsPerVersion }, (_, i) => metrics.upstream(v, `${v}-${i}`)),
  );
  return {
    hot(n) {
      for (let i = 0; i < n; i++) {
        const s = stats[i % stats.length]!;
        const c = counts[i % counts.length]!;
        const code = codes[i % codes.length]!;
        s.inflight++;
        c.set(code, (c.get(code) ?? 0) + 1);
        s.inflight--;
        s.observe(durations[i & 4095]!);
      }
    },
    render: async () => metrics.render(),
  };
}

function promClient(): { hot: (n: number) => void; render: () => Promise<string> } {
  const registry = new Registry();
  const requestsTotal = new Counter({
    name: names.requests,
    help: 'Requests answered by the router.',
    labelNames: ['version', 'upstream', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: names.requestDuration,
    help: 'Request duration seen by the router.',
    labelNames: ['version'],
    buckets: [...LATENCY_BUCKETS],
    registers: [registry],
  });
  const inflight = new Gauge({
    name: names.inflight,
    help: 'Requests in flight.',
    labelNames: ['version'],
    registers: [registry],
  });
  const perVersion = versions.map((v) => ({ duration: duration.labels(v), inflight: inflight.labels(v) }));
  // What the proxy would hold per upstream: one child per code, looked up by code on each request.
  const perUpstream = versions.flatMap((v) =>
    Array.from({ length: upstreamsPerVersion }, (_, i) => {
      const children = new Map<number, ReturnType<typeof requestsTotal.labels>>();
      return (code: number) => {
        let child = children.get(code);
        if (child === undefined) {
          child = requestsTotal.labels(v, `${v}-${i}`, String(code));
          children.set(code, child);
        }
        return child;
      };
    }),
  );
  return {
    hot(n) {
      for (let i = 0; i < n; i++) {
        const s = perVersion[i % perVersion.length]!;
        const c = perUpstream[i % perUpstream.length]!;
        s.inflight.inc();
        c(codes[i % codes.length]!).inc();
        s.inflight.dec();
        s.duration.observe(durations[i & 4095]!);
      }
    },
    render: () => registry.metrics(),
  };
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function measure(side: ReturnType<typeof own>): Promise<{ hotNs: number; renderUs: number }> {
  side.hot(Math.min(requests, 50_000)); // warm-up
  let t = cpuMicros();
  side.hot(requests);
  const hotNs = ((cpuMicros() - t) * 1000) / requests;
  await side.render();
  t = cpuMicros();
  for (let i = 0; i < renders; i++) await side.render();
  const renderUs = (cpuMicros() - t) / renders;
  return { hotNs, renderUs };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const mine: { hotNs: number; renderUs: number }[] = [];
const theirs: { hotNs: number; renderUs: number }[] = [];
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? [own, promClient] : [promClient, own];
  for (const make of order) (make === own ? mine : theirs).push(await measure(make()));
}
const hotOwn = median(mine.map((m) => m.hotNs));
const hotProm = median(theirs.map((m) => m.hotNs));
const renderOwn = median(mine.map((m) => m.renderUs));
const renderProm = median(theirs.map((m) => m.renderUs));
const f = (n: number): string => n.toFixed(1);
console.log(
  `router metrics, ${requests.toLocaleString('en')} requests x ${rounds} rounds (CPU time, median round):\n` +
    `  per request:  own ${f(hotOwn)} ns, prom-client ${f(hotProm)} ns  -> prom-client ${f(hotProm / hotOwn)}x own\n` +
    `  per /metrics: own ${f(renderOwn)} µs, prom-client ${f(renderProm)} µs -> prom-client ${f(renderProm / renderOwn)}x own`,
);
