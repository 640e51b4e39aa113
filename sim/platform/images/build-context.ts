import { createHash } from 'node:crypto';
import {
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** Files are hard-linked into the staging folder when it shares a file system with them (fast), else copied. */
const STAGING = tmpdir();

function place(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(realpathSync(from), to);
  } catch {
    copyFileSync(from, to);
  }
}

/** A folder staged for `docker build`: only what the image needs, and a hash of all of it. */
export class BuildContext {
  readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(join(STAGING, 'rehearsal-docker-'));
  }

  /** Copies one file (symlinks followed) to `to` inside the context. */
  file(from: string, to: string): this {
    place(from, join(this.dir, to));
    return this;
  }

  /** Copies a folder (symlinks followed), skipping paths for which `skip` says so. */
  folder(from: string, to: string, skip: (path: string) => boolean = () => false): this {
    const walk = (rel: string): void => {
      for (const entry of readdirSync(join(from, rel))) {
        const sub = rel ? `${rel}/${entry}` : entry;
        if (skip(sub)) continue;
        if (statSync(join(from, sub)).isDirectory()) walk(sub);
        else place(join(from, sub), join(this.dir, to, sub));
      }
    };
    walk('');
    return this;
  }

  /** Writes a file with the given content. */
  text(to: string, content: string): this {
    mkdirSync(dirname(join(this.dir, to)), { recursive: true });
    writeFileSync(join(this.dir, to), content);
    return this;
  }

  /** Creates an empty folder (e.g. a mount point the image must own). */
  emptyFolder(to: string): this {
    mkdirSync(join(this.dir, to), { recursive: true });
    writeFileSync(join(this.dir, to, '.keep'), '');
    return this;
  }

  /** Top-level entries, as dockerode's `src` wants them. */
  entries(): string[] {
    return readdirSync(this.dir);
  }

  /** sha256 over every path, mode and content (plus `extra`), first 12 hex digits: the image tag. */
  hash(extra = ''): string {
    const h = createHash('sha256').update(extra);
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        const st = statSync(path);
        h.update(`${relative(this.dir, path)}\0${st.mode}\0`);
        if (st.isDirectory()) walk(path);
        else h.update(readFileSync(path));
      }
    };
    walk(this.dir);
    return h.digest('hex').slice(0, 12);
  }

  /** Removes the staged folder. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
