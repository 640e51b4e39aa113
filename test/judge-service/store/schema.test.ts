import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SchemaError, Store } from '../../../fixtures/judge-service/src/store/store.js';
import { tempDb } from '../helpers.js';
import { sub } from './fixtures.js';

// The schema as the first release created it: no fair_round column, no claim indexes.
function legacyDatabase(version: number): string {
  const file = tempDb();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE submissions (
    token TEXT PRIMARY KEY, problem_id TEXT NOT NULL, user_id TEXT NOT NULL, language_id INTEGER NOT NULL,
    source_code TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('queued', 'processing', 'done')),
    status_id INTEGER NOT NULL, verdict TEXT, message TEXT, time_ms REAL, memory_kb INTEGER, fault TEXT,
    lease_owner TEXT, lease_until INTEGER, attempts INTEGER NOT NULL DEFAULT 0, received_by TEXT NOT NULL,
    judged_by TEXT, judged_instance TEXT, created_at INTEGER NOT NULL, finished_at INTEGER);
  CREATE INDEX submissions_pending ON submissions (state, lease_until) WHERE state <> 'done';
  INSERT INTO submissions (token, problem_id, user_id, language_id, source_code, state, status_id, received_by, created_at)
    VALUES ('old', 'two-sum', 'u', 63, 'x', 'queued', 1, 'v0', 0);`);
  if (version >= 2) db.exec('ALTER TABLE submissions ADD COLUMN judged_schema INTEGER');
  db.pragma(`user_version = ${version}`);
  db.close();
  return file;
}

describe('schema', () => {
  it('adds the fair-queue column and indexes to a database created before them, keeping its rows', async () => {
    const store = await Store.open(legacyDatabase(1));
    expect(store.schemaVersion).toBe(1);
    const token = await store.insert(sub('new'), 10);
    const claim = await store.claim('A', 2, 1000, 20);
    // The row written before the column existed (round NULL) is served first.
    expect(claim.rows.map((r) => r.token)).toEqual(['old', token]);
  });

  it('keeps the schemaVersion 2 fault working: the column is additive, version 2 still refuses version 1', async () => {
    const file = legacyDatabase(2);
    const v2 = await Store.open(file);
    await v2.understand(2);
    expect((await v2.claim('A', 1, 1000, 0)).rows.map((r) => r.token)).toEqual(['old']);
    const v1 = await Store.open(file);
    await v1.understand(1);
    expect(() => v1.get('old')).toThrow(SchemaError);
    expect(v1.schemaVersion).toBe(2);
  });
});
