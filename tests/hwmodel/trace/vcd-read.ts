/**
 * A minimal VCD reader for the tests (reads what GTKWave's fst2vcd prints):
 * every variable's full dotted name and its value changes as [time, value],
 * vectors as unsigned bigint text, reals as numbers, scalars as 0/1/x/z.
 */
export type Changes = Map<string, [number, string][]>;

export function readVcd(text: string): Changes {
  const tokens = text.split(/\s+/).filter((s) => s !== '');
  const names = new Map<string, string[]>();
  const out: Changes = new Map();
  const scope: string[] = [];
  let time = 0;
  const record = (id: string, value: string) => {
    for (const name of names.get(id) ?? [`?${id}`]) {
      const list = out.get(name) ?? [];
      list.push([time, value]);
      out.set(name, list);
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] ?? '';
    const skipToEnd = () => {
      while (i < tokens.length && tokens[i] !== '$end') i++;
    };
    if (tok === '$date' || tok === '$version' || tok === '$timescale' || tok === '$comment') skipToEnd();
    else if (tok === '$scope') {
      scope.push(tokens[i + 2] ?? '');
      skipToEnd();
    } else if (tok === '$upscope') {
      scope.pop();
      skipToEnd();
    } else if (tok === '$var') {
      const id = tokens[i + 3] ?? '';
      const name = [...scope, tokens[i + 4] ?? ''].join('.');
      names.set(id, [...(names.get(id) ?? []), name]);
      skipToEnd();
    } else if (tok === '$enddefinitions') skipToEnd();
    else if (tok === '$dumpvars' || tok === '$dumpall' || tok === '$dumpon' || tok === '$dumpoff' || tok === '$end')
      continue;
    else if (tok.startsWith('#')) time = Number(tok.slice(1));
    else if (tok.startsWith('b') || tok.startsWith('B')) {
      const bits = tok.slice(1).toLowerCase();
      record(tokens[++i] ?? '', /[xz]/.test(bits) ? bits : BigInt(`0b${bits}`).toString());
    } else if (tok.startsWith('r') || tok.startsWith('R')) record(tokens[++i] ?? '', String(Number(tok.slice(1))));
    else record(tok.slice(1), tok[0]?.toLowerCase() ?? '');
  }
  return out;
}

/** Drops changes that repeat the previous value, and keeps only the last value given at one time. */
export function collapse(changes: readonly [number, string][]): [number, string][] {
  const out: [number, string][] = [];
  for (const [t, v] of changes) {
    const last = out[out.length - 1];
    if (last !== undefined && last[0] === t) {
      out.pop();
      const before = out[out.length - 1];
      if (before === undefined || before[1] !== v) out.push([t, v]);
    } else if (last === undefined || last[1] !== v) out.push([t, v]);
  }
  return out;
}
