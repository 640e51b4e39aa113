import { describe, expect, it } from 'vitest';
import { forwardHeaders, hasBody } from '../../sim/router/headers.js';

describe('forwardHeaders', () => {
  it('drops hop-by-hop fields and those named in Connection', () => {
    const out = forwardHeaders({
      connection: 'keep-alive, X-Trace',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      upgrade: 'h2c',
      'x-trace': '1',
      'x-user-id': 'u1',
      'set-cookie': ['a=1', 'b=2'],
    });
    expect(out).toEqual({ 'x-user-id': 'u1', 'set-cookie': ['a=1', 'b=2'] });
  });

  it('knows when a request has a body', () => {
    expect(hasBody({})).toBe(false);
    expect(hasBody({ 'content-length': '0' })).toBe(false);
    expect(hasBody({ 'content-length': '3' })).toBe(true);
    expect(hasBody({ 'transfer-encoding': 'chunked' })).toBe(true);
  });
});
