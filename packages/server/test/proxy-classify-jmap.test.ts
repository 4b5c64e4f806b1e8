import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyJmap } from '../src/proxy/classify-jmap.js';

const req = (...methodCalls: unknown[]) => ({ using: ['urn:ietf:params:jmap:core'], methodCalls });

describe('JMAP request classifier (SPEC §5, RFC 8620 §3.3)', () => {
  it('classifies each method call and needs the union', () => {
    expect(classifyJmap(req(['Email/get', {}, 'a']))).toEqual(['read']);
    expect(classifyJmap(req(['Mailbox/query', {}, 'a'], ['Email/changes', {}, 'b']))).toEqual(['read']);
    expect(classifyJmap(req(['Email/set', { create: { x: {} } }, 'a']))).toEqual(['write']);
    expect(classifyJmap(req(['Email/set', { update: { m1: {} } }, 'a']))).toEqual(['write']);
    expect(classifyJmap(req(['Email/set', { destroy: ['m1'] }, 'a']))).toEqual(['delete']);
    expect(classifyJmap(req(['Email/get', {}, 'a'], ['Email/set', { destroy: ['m1'] }, 'b'])).sort()).toEqual(
      ['delete', 'read'],
    );
    expect(classifyJmap(req(['Email/copy', {}, 'a']))).toEqual(['write']);
    expect(classifyJmap(req(['Email/copy', { onSuccessDestroyOriginal: true }, 'a']))).toEqual([
      'write',
      'delete',
    ]);
    expect(classifyJmap(req(['Email/import', {}, 'a']))).toEqual(['write']);
    expect(classifyJmap(req(['EmailSubmission/get', {}, 'a']))).toEqual(['write']);
    expect(classifyJmap(req(['EmailSubmission/set', { onSuccessDestroyEmail: ['#s'] }, 'a']))).toEqual([
      'write',
      'delete',
    ]);
  });

  it('needs write for anything it cannot read as a JMAP request', () => {
    for (const body of [
      undefined,
      null,
      'x',
      [],
      {},
      { methodCalls: [] },
      { methodCalls: [[42]] },
      { methodCalls: 'x' },
    ]) {
      expect(classifyJmap(body)).toEqual(['write']);
    }
    expect(classifyJmap(req(['Foo/frobnicate', {}, 'a']))).toEqual(['write']);
  });

  it('never answers read-only for a request holding a destroy (property)', () => {
    const name = fc.tuple(
      fc.constantFrom('Email', 'Mailbox', 'Thread', 'CalendarEvent'),
      fc.constantFrom('get', 'query', 'set', 'changes'),
    );
    const call = fc
      .tuple(name, fc.boolean())
      .map(([[t, v], destroy]) => ({ name: `${t}/${v}`, args: destroy ? { destroy: ['x'] } : {} }));
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 6 }), (calls) => {
        const needed = classifyJmap(req(...calls.map((c) => [c.name, c.args, 'c'])));
        const destroys = calls.some((c) => c.name.endsWith('/set') && 'destroy' in c.args);
        if (destroys) expect(needed).toContain('delete');
        expect(needed.length).toBeGreaterThan(0);
      }),
    );
  });
});
