/*
 * Reads what bench/proxy-instructions.ts needs from a callgrind dump (valgrind's "callgrind
 * format", one event: Ir): the instructions executed in all, and those V8's optimizing compilers
 * executed themselves. The latter is warm-up, not serving: a batch that lands on a TurboFan
 * recompilation counts tens of thousands of instructions more per request than the next one.
 */

/** Functions of V8's optimizing compilers (TurboFan, Maglev, Sparkplug), by demangled name. */
const COMPILER = /^(?:v8::internal::(?:compiler|maglev|baseline)::|v8::internal::Zone::)/;

export interface DumpCosts {
  /** Every instruction of the dump (its `summary:` line). */
  total: number;
  /** Instructions executed in the compilers' own functions (self cost, callees not included). */
  compiler: number;
}

/**
 * Sums self costs by function. In the format a `fn=` line names the function the following cost
 * lines belong to; names are compressed (`(12) name` the first time, `(12)` after); a `calls=`
 * line is followed by one cost line that is the inclusive cost of that call, already counted
 * where the callee's own lines are, so it is skipped.
 */
export function dumpCosts(text: string): DumpCosts {
  const names = new Map<string, string>();
  const resolve = (spec: string): string => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(spec);
    if (m === null) return spec;
    const [, id = '', name] = m;
    if (name !== undefined) names.set(id, name);
    return names.get(id) ?? spec;
  };
  let inCompiler = false;
  let callCost = false;
  let self = 0;
  let compiler = 0;
  let summary: number | undefined;
  for (const line of text.split('\n')) {
    const first = line.charCodeAt(0);
    // Cost lines start with a position: a number, `+n`, `-n` or `*`.
    if ((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 42) {
      if (callCost) {
        callCost = false;
        continue;
      }
      const cost = Number(line.split(' ')[1] ?? 0);
      self += cost;
      if (inCompiler) compiler += cost;
    } else if (line.startsWith('fn=')) inCompiler = COMPILER.test(resolve(line.slice(3)));
    else if (line.startsWith('cfn=')) resolve(line.slice(4));
    else if (line.startsWith('calls=')) callCost = true;
    else if (line.startsWith('summary:')) summary = Number(line.slice(8).trim());
  }
  return { total: summary ?? self, compiler };
}
