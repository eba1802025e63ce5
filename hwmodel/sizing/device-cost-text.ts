/**
 * A {@link DeviceCost} as a reviewer reads it: a text table (part, count,
 * kGE, mm², power, basis) with the caveats under it, the same as CSV with
 * each part's source, and as named figures for a sweep's or a size
 * search's rows.
 */
import type { DeviceCost } from './device-cost.js';

const kge = (v: number): string => v.toLocaleString('en-US', { maximumFractionDigits: v < 10 ? 1 : 0 });
const mw = (w: number): string =>
  `${(w * 1e3).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} mW`;

/** The cost table and its caveats (text). */
export function deviceCostText(c: DeviceCost): string {
  const head = `  ${'part'.padEnd(42)} ${'count'.padStart(6)} ${'kGE'.padStart(9)} ${'mm²'.padStart(8)} ${'dynamic'.padStart(11)} ${'static'.padStart(10)}  basis`;
  const rows = c.items.map(
    (i) =>
      `  ${i.part.padEnd(42)} ${String(i.count).padStart(6)} ${kge(i.areaKGE).padStart(9)} ${i.areaMm2.toFixed(3).padStart(8)} ${mw(i.dynamicW).padStart(11)} ${mw(i.staticW).padStart(10)}  ${i.basis}`,
  );
  const total = `  ${'total'.padEnd(42)} ${''.padStart(6)} ${kge(c.areaKGE).padStart(9)} ${c.areaMm2.toFixed(2).padStart(8)} ${mw(c.dynamicW).padStart(11)} ${mw(c.staticW).padStart(10)}`;
  return (
    `Device cost        ${kge(c.areaKGE)} kGE, ${c.areaMm2.toFixed(2)} mm², ${c.powerW.toFixed(3)} W (engine '${c.engine}', ${c.node})\n` +
    `${head}\n${rows.join('\n')}\n${total}\n` +
    c.caveats.map((x) => `  ${x}\n`).join('')
  );
}

const csvField = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** One line a part: part, count, area_kGE, area_mm2, dynamic_w, static_w, basis, source; a total line; the caveats as comments. */
export function deviceCostCsv(c: DeviceCost): string {
  const lines = ['part,count,area_kGE,area_mm2,dynamic_w,static_w,basis,source'];
  for (const i of c.items)
    lines.push(
      [
        i.part,
        String(i.count),
        i.areaKGE.toFixed(3),
        i.areaMm2.toFixed(6),
        i.dynamicW.toExponential(4),
        i.staticW.toExponential(4),
        i.basis,
        i.source,
      ]
        .map(csvField)
        .join(','),
    );
  lines.push(
    [
      'total',
      '',
      c.areaKGE.toFixed(3),
      c.areaMm2.toFixed(6),
      c.dynamicW.toExponential(4),
      c.staticW.toExponential(4),
      '',
      '',
    ].join(','),
  );
  for (const x of c.caveats) lines.push(`# ${x}`);
  return `${lines.join('\n')}\n`;
}

/** The totals as named figures (`device_area_kGE`, `device_area_mm2`, `device_power_w`, `device_power_w_dynamic`, `device_power_w_static`). */
export function deviceCostFigures(c: DeviceCost): Record<string, number> {
  return {
    device_area_kGE: c.areaKGE,
    device_area_mm2: c.areaMm2,
    device_power_w: c.powerW,
    device_power_w_dynamic: c.dynamicW,
    device_power_w_static: c.staticW,
  };
}
