import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// A deliberately trivial upstream for the router benchmark: N listeners in one process, fixed small body.
// Usage: node dist/bench/upstream-server.js [count]; prints {"msg":"listening","ports":[...]}; exits when stdin closes.

const count = Number(process.argv[2] ?? 2);
const body = Buffer.from('{"ok":true}\n');
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const ports: number[] = [];
for (let i = 0; i < count; i++) {
  const server = createServer({ keepAliveTimeout: 120_000, noDelay: true }, (req, res) => {
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      res.writeHead(200, headers);
      res.end(body);
      return;
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push((server.address() as AddressInfo).port);
}
console.log(JSON.stringify({ msg: 'listening', ports }));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
