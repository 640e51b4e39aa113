import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Processes, waitForPort } from './procs.js';

/** Writes a config (in a temp dir removed when `procs` stop) proxying to the upstreams with the given weights and starts `nginx` in the foreground. */
export async function startNginx(
  procs: Processes,
  upstreams: { port: number; weight: number }[],
  workers: number | 'auto',
): Promise<{ port: number; pid: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'rehearsal-nginx-'));
  const port = await freePort();
  const servers = upstreams.map((u) => `    server 127.0.0.1:${u.port} weight=${u.weight};`).join('\n');
  const config = `user root;
daemon off;
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream app {
${servers}
    keepalive 256;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
  procs.atStop(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'nginx.conf'), config);
  const child = procs.start('nginx', [
    '-p',
    dir,
    '-e',
    join(dir, 'error.log'),
    '-c',
    join(dir, 'nginx.conf'),
  ]);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`nginx exited with code ${code}: ${stderr.trim()} (config in ${dir})`)),
    );
  });
  exited.catch(() => undefined);
  await Promise.race([waitForPort(port, 10_000), exited]);
  return { port, pid: child.pid ?? 0 };
}
