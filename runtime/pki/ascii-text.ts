/**
 * Character classes of host names and DER strings, tested character by character rather than with regular expressions:
 * V8 compiles a pattern at its first run and again to machine code at its second, and a fresh process's first handshake
 * ran seven of them on its server name and certificates (docs/benchmarks.md, "Cold start"). Each function says the
 * pattern it stands for; tests/pki/ascii-text.test.ts compares them.
 */

/** `/^[low-high]*$/` over UTF-16 code units: whether every one of `text` lies in `low`..`high`. */
export function allCodesIn(text: string, low: number, high: number): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < low || c > high) return false;
  }
  return true;
}

/** `/[\x00-\x1f\x7f]/`: whether `text` holds a C0 control character or DEL. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** `text.replace(/[A-Z]+/g, (m) => m.toLowerCase())`: A–Z lower-cased, every other character (non-ASCII too) kept. */
export function asciiLowerCase(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      let out = text.slice(0, i);
      for (let j = i; j < text.length; j++) {
        const d = text.charCodeAt(j);
        out += d >= 0x41 && d <= 0x5a ? String.fromCharCode(d + 0x20) : text[j];
      }
      return out;
    }
  }
  return text;
}

/** `/^[a-z0-9_-]+$/`: a host name label as server_name carries one (lower-case letters, digits, '-', '_'), not empty. */
export function isHostLabel(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f)) return false;
  }
  return true;
}

/** `/^([0-9]+|0x[0-9a-f]*)$/`: a label a resolver reads as a number (decimal, or hexadecimal after `0x`). */
export function isNumericLabel(text: string): boolean {
  if (text.startsWith('0x')) {
    for (let i = 2; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
    }
    return true;
  }
  return text.length > 0 && allCodesIn(text, 0x30, 0x39);
}
