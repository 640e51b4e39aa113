/**
 * A small Judge0 CE client, written from Judge0's published API documentation (docs/api in
 * https://github.com/judge0/judge0, served at https://ce.judge0.com) and nothing of our service: what a user's
 * own Judge0 client would send and expect. No Judge0 client package exists on npm.
 */

/** A submission as Judge0 takes it (the attributes we use). */
export interface Judge0Submission {
  source_code: string;
  language_id: number | string;
  stdin?: string | null;
  expected_output?: string | null;
  cpu_time_limit?: number;
  [attribute: string]: unknown;
}

/** A Judge0 status object. */
export interface Judge0Status {
  id: number;
  description: string;
}

/** What Judge0 answers for a submission; which attributes are there depends on `fields`. */
export interface Judge0Result {
  token?: string;
  status?: Judge0Status;
  stdout?: string | null;
  stderr?: string | null;
  compile_output?: string | null;
  message?: string | null;
  time?: string | null;
  memory?: number | null;
  exit_code?: number | null;
  [attribute: string]: unknown;
}

/** A response: HTTP status and JSON body. */
export interface Judge0Response<T> {
  status: number;
  body: T;
}

/** Options of the submission calls. */
export interface CallOptions {
  /** Send and receive the text attributes Base64-encoded (`base64_encoded=true`); the client does the coding. */
  base64?: boolean;
  /** `fields=`; `['*']` for all. */
  fields?: string[];
}

const TEXT_IN = ['source_code', 'stdin', 'expected_output'] as const;
const TEXT_OUT = ['stdout', 'stderr', 'compile_output', 'message', 'source_code', 'stdin', 'expected_output'];

const encode = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const decode = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** Status ids 1 (In Queue) and 2 (Processing) are not final. */
export const isFinal = (status: Judge0Status | undefined) => status !== undefined && status.id > 2;

/** The Judge0 calls a client makes. */
export class Judge0Client {
  constructor(readonly baseUrl: string) {}

  /** `POST /submissions`; with `wait`, the result instead of just the token. */
  createSubmission(sub: Judge0Submission, opts: CallOptions & { wait?: boolean } = {}) {
    return this.call<Judge0Result>('POST', '/submissions', {
      query: { ...this.query(opts), wait: opts.wait ? 'true' : undefined },
      body: this.encodeIn(sub, opts.base64),
      base64: opts.base64,
    });
  }

  /** `GET /submissions/:token`. */
  getSubmission(token: string, opts: CallOptions = {}) {
    return this.call<Judge0Result>('GET', `/submissions/${encodeURIComponent(token)}`, {
      query: this.query(opts),
      base64: opts.base64,
    });
  }

  /** Polls a token until its status is final (or the time runs out), as Judge0's docs suggest. */
  async waitForResult(token: string, opts: CallOptions & { timeoutMs?: number } = {}): Promise<Judge0Result> {
    const end = Date.now() + (opts.timeoutMs ?? 20_000);
    for (;;) {
      const { status, body } = await this.getSubmission(token, opts);
      if (status !== 200) throw new Error(`GET /submissions/${token} answered ${status}`);
      if (isFinal(body.status) || Date.now() > end) return body;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** `POST /submissions/batch`: an array of `{ token }` or that submission's errors. */
  createBatch(subs: Judge0Submission[], opts: Pick<CallOptions, 'base64'> = {}) {
    return this.call<Record<string, unknown>[]>('POST', '/submissions/batch', {
      query: this.query(opts),
      body: { submissions: subs.map((s) => this.encodeIn(s, opts.base64)) },
    });
  }

  /** `GET /submissions/batch?tokens=...`: `{ submissions: [result or null] }`. */
  async getBatch(tokens: string[], opts: CallOptions = {}) {
    const res = await this.call<{ submissions: (Judge0Result | null)[] }>('GET', '/submissions/batch', {
      query: { ...this.query(opts), tokens: tokens.join(',') },
    });
    if (opts.base64 && Array.isArray(res.body.submissions))
      res.body.submissions = res.body.submissions.map((s) => (s ? this.decodeOut(s) : s));
    return res;
  }

  languages() {
    return this.call<{ id: number; name: string }[]>('GET', '/languages');
  }
  language(id: number | string) {
    return this.call<Record<string, unknown>>('GET', `/languages/${id}`);
  }
  statuses() {
    return this.call<Judge0Status[]>('GET', '/statuses');
  }
  about() {
    return this.call<Record<string, unknown>>('GET', '/about');
  }
  configInfo() {
    return this.call<Record<string, unknown>>('GET', '/config_info');
  }
  systemInfo() {
    return this.call<Record<string, unknown>>('GET', '/system_info');
  }
  workers() {
    return this.call<Record<string, unknown>[]>('GET', '/workers');
  }

  /** Any call, for the error shapes: raw body text allowed. */
  async call<T>(
    method: string,
    path: string,
    opts: { query?: Record<string, string | undefined>; body?: unknown; base64?: boolean } = {},
  ): Promise<Judge0Response<T>> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const res = await fetch(url, {
      method,
      headers: opts.body === undefined ? {} : { 'content-type': 'application/json' },
      body:
        opts.body === undefined
          ? undefined
          : typeof opts.body === 'string'
            ? opts.body
            : JSON.stringify(opts.body),
    });
    let body = (await res.json()) as T;
    if (opts.base64 && body && typeof body === 'object' && !Array.isArray(body))
      body = this.decodeOut(body as Judge0Result) as T;
    return { status: res.status, body };
  }

  private query(opts: CallOptions): Record<string, string | undefined> {
    return { base64_encoded: opts.base64 ? 'true' : undefined, fields: opts.fields?.join(',') };
  }

  private encodeIn(sub: Judge0Submission, base64 = false): Judge0Submission {
    if (!base64) return sub;
    const out = { ...sub };
    for (const k of TEXT_IN) if (typeof out[k] === 'string') out[k] = encode(out[k] as string);
    return out;
  }

  private decodeOut(result: Judge0Result): Judge0Result {
    const out = { ...result };
    for (const k of TEXT_OUT) if (typeof out[k] === 'string') out[k] = decode(out[k] as string);
    return out;
  }
}
