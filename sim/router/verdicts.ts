// Router-injected wrong verdicts, for a service that has no fault toggles of its own. A submission created through
// a version with `wrongVerdictRate` > 0 is drawn once, when its token comes back from `POST /submissions`; a token
// drawn is remembered, and every later answer about it, from any version (a poll may land on another one), gets
// the same flipped verdict. Only those answers are buffered and parsed: the create answers of a faulty version and
// the polls that name a remembered token.

/** Most tokens remembered; the oldest is forgotten first (its later polls then show the service's verdict). */
export const MAX_REWRITTEN_TOKENS = 100_000;

/** The verdict a flip writes, as the `verdict` label of `rehearsal_router_rewritten_verdicts_total`. */
export type WrittenVerdict = 'accepted' | 'wrong-answer';

/** Both labels of the rewritten-verdicts counter, created at 0 for every routed version. */
export const WRITTEN_VERDICTS: readonly WrittenVerdict[] = ['accepted', 'wrong-answer'];

interface Entry {
  /** The version the submission was created through (the one the fault targets). */
  version: string;
  /** Set once the first final verdict was flipped (so the counter counts the submission once). */
  written?: WrittenVerdict;
}

/** What a rewrite did to one answer. */
export interface RewriteResult {
  /** The new body, or undefined when nothing changed. */
  body?: Buffer;
  /** The version charged with each flipped answer and each first flip of a submission. */
  flipped: { version: string; first: WrittenVerdict | undefined }[];
}

const SUBMISSION = /^\/submissions\/([^/]+)$/;
const BATCH = '/submissions/batch';
/** Native verdicts that count as "not accepted" and flip to accepted (internal-error is the judge's own fault). */
const REJECTED = new Set([
  'wrong-answer',
  'time-limit',
  'memory-limit',
  'runtime-error',
  'compilation-error',
]);
const ACCEPTED_STATUS = { id: 3, description: 'Accepted' };
const WRONG_STATUS = { id: 4, description: 'Wrong Answer' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The tokens whose verdicts the router flips. */
export class VerdictRewrites {
  private readonly tokens = new Map<string, Entry>();

  /** How many tokens are remembered. */
  get size(): number {
    return this.tokens.size;
  }

  /** Whether `(method, url, headers)` creates submissions (an answer to claim tokens from). */
  static creates(method: string, url: string): boolean {
    if (method !== 'POST') return false;
    const path = pathOf(url);
    return path === '/submissions' || path === BATCH;
  }

  /** Whether a `GET` names a remembered token (so its answer must be read). */
  polls(method: string, url: string, headers: Record<string, string>): boolean {
    if (this.tokens.size === 0 || method !== 'GET') return false;
    const path = pathOf(url);
    if (path === BATCH) return batchTokens(url, headers).some((t) => this.tokens.has(t));
    const m = SUBMISSION.exec(path);
    return m !== null && this.tokens.has(decodeURIComponent(m[1]!));
  }

  /**
   * Rewrites one JSON answer: on a create answer of `claimVersion`, each new token whose `draw(i)` is below
   * `rate` is remembered first; then every remembered token's final verdict is flipped.
   */
  rewrite(
    text: string,
    claim: { version: string; rate: number; draw: (index: number) => number } | undefined,
    /** The request target: a `GET /submissions/:token` answer need not repeat its token (Judge0's `fields`). */
    url = '',
  ): RewriteResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { flipped: [] };
    }
    const items = submissionsOf(parsed);
    if (claim !== undefined) {
      items.forEach((item, i) => {
        const token = item.token;
        if (typeof token === 'string' && !this.tokens.has(token) && claim.draw(i) < claim.rate)
          this.remember(token, claim.version);
      });
    }
    const asked = SUBMISSION.exec(pathOf(url));
    const pathToken = asked !== null && pathOf(url) !== BATCH ? decodeURIComponent(asked[1]!) : undefined;
    const flipped: RewriteResult['flipped'] = [];
    for (const item of items) {
      const token = typeof item.token === 'string' ? item.token : items.length === 1 ? pathToken : undefined;
      const entry = token === undefined ? undefined : this.tokens.get(token);
      if (entry === undefined) continue;
      const written = flip(item);
      if (written === undefined) continue;
      const first = entry.written === undefined ? written : undefined;
      entry.written ??= written;
      flipped.push({ version: entry.version, first });
    }
    return flipped.length === 0 ? { flipped } : { body: Buffer.from(JSON.stringify(parsed)), flipped };
  }

  private remember(token: string, version: string): void {
    if (this.tokens.size >= MAX_REWRITTEN_TOKENS) {
      const oldest = this.tokens.keys().next().value;
      if (oldest !== undefined) this.tokens.delete(oldest);
    }
    this.tokens.set(token, { version });
  }
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Tokens of a batch GET: `?tokens=a,b` or the `tokens` header, as Judge0 takes them. */
function batchTokens(url: string, headers: Record<string, string>): string[] {
  const q = url.indexOf('?');
  const fromQuery = q === -1 ? null : new URLSearchParams(url.slice(q + 1)).get('tokens');
  const list = fromQuery ?? headers.tokens ?? '';
  return list
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** The submission objects of an answer: one submission, a batch create's array, or a batch GET's `submissions`. */
function submissionsOf(body: unknown): Obj[] {
  if (Array.isArray(body)) return body.filter(isObj);
  if (!isObj(body)) return [];
  if (Array.isArray(body.submissions)) return body.submissions.filter(isObj);
  return [body];
}

/**
 * Flips a final verdict in place, in whichever shapes the answer carries it (native `verdict`, Judge0
 * `status {id, description}` and `status_id`); pending (1, 2) and internal errors (13) stay. Returns what it wrote.
 */
function flip(item: Obj): WrittenVerdict | undefined {
  const status = isObj(item.status) ? item.status : undefined;
  const statusId =
    typeof status?.id === 'number'
      ? status.id
      : typeof item.status_id === 'number'
        ? item.status_id
        : undefined;
  let accepted: boolean | undefined;
  if (typeof item.verdict === 'string') {
    if (item.verdict === 'accepted') accepted = true;
    else if (REJECTED.has(item.verdict)) accepted = false;
  } else if (statusId !== undefined) {
    if (statusId === 3) accepted = true;
    else if (statusId >= 4 && statusId <= 15 && statusId !== 13) accepted = false;
  }
  if (accepted === undefined) return undefined;
  const written: WrittenVerdict = accepted ? 'wrong-answer' : 'accepted';
  const to = accepted ? WRONG_STATUS : ACCEPTED_STATUS;
  if (typeof item.verdict === 'string') item.verdict = written;
  if (status !== undefined) item.status = { ...status, ...to };
  if (typeof item.status_id === 'number') item.status_id = to.id;
  return written;
}
