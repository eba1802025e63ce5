/**
 * A GTKWave save file (.gtkw) for a VCD the activity monitor wrote: opens
 * the dump with every module's busy wire, lane wires, active-lane count and
 * queue depth shown, grouped per module.
 */

/**
 * The text of a save file showing `signals` (full dotted names as in the
 * VCD) of `dumpFile`; with `endTime` (ps), zoomed so the whole run fits the
 * window (GTKWave's zoom is a power of two: about 4.9 × 2^-zoom ps across a
 * 1600-pixel window).
 */
export function gtkwaveSaveFile(dumpFile: string, signals: readonly string[], endTime?: number): string {
  const lines = [
    `[dumpfile] "${dumpFile}"`,
    '[timestart] 0',
    '[size] 1600 900',
    '[signals_width] 320',
    '[sst_expanded] 1',
  ];
  if (endTime !== undefined && endTime > 0)
    lines.push(`*${(-Math.log2(endTime / 4.9)).toFixed(6)} 0${' -1'.repeat(26)}`);
  let group = '';
  for (const s of signals) {
    const module = s.slice(0, s.lastIndexOf('.'));
    if (module !== group) {
      if (group !== '') lines.push('@1000200', `-${group}`);
      lines.push('@800200', `-${module}`);
      group = module;
    }
    const bit = /\.(busy|lane\d+)$/.test(s);
    lines.push(bit ? '@28' : '@24', s);
  }
  if (group !== '') lines.push('@1000200', `-${group}`);
  return `${lines.join('\n')}\n`;
}
