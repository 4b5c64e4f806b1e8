import { describe, expect, it } from 'vitest';
import { dumpCosts } from '../../../bench/support/callgrind-dump.js';

/** A dump as callgrind writes one: compressed names, relative positions, calls with their cost. */
const dump = [
  '# callgrind format',
  'version: 1',
  'creator: callgrind-3.19.0',
  'events: Ir',
  'summary: 1175',
  '',
  'ob=(1) /usr/bin/node',
  'fl=(1) ???',
  'fn=(1) Builtins_LoadIC',
  '0 100',
  '+2 50',
  'cfn=(2) v8::internal::compiler::GraphReducer::ReduceTop()',
  'calls=3 0',
  '* 400',
  'fn=(2)',
  '0 300',
  '-1 100',
  'cfn=(3) malloc',
  'calls=1 0',
  '0 25',
  'fn=(3)',
  '0 25',
  'fn=(4) v8::internal::maglev::MaglevGraphBuilder::Build()',
  '0 500',
  'fn=(5) v8::internal::ZoneList::Add',
  '0 100',
  '',
  'totals: 1175',
].join('\n');

describe('callgrind dumps (bench/support/callgrind-dump.ts)', () => {
  it("sums the compilers' own costs, by compressed name, without the inclusive cost of calls", () => {
    // Compilers: GraphReducer 300 + 100, Maglev 500. Not: LoadIC, malloc (called by the compiler,
    // but not its own code), a name that only starts like `Zone::`. The `* 400` and `0 25` after
    // `calls=` lines are inclusive costs already counted in the callees' own lines.
    expect(dumpCosts(dump)).toEqual({ total: 1175, compiler: 900 });
  });

  it('falls back to the sum of self costs without a summary line', () => {
    expect(dumpCosts(dump.replace('summary: 1175\n', ''))).toEqual({ total: 1175, compiler: 900 });
  });
});
