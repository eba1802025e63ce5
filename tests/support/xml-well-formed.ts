/**
 * Whether a text is well-formed XML (the rules an SVG viewer holds a file
 * to, XML 1.0 §2.1): one root element, every element closed in order, each
 * attribute quoted and given once, `<` only as markup, `&` only in an entity
 * or character reference. No parser is installed for the tests, and these
 * are the rules a hand-written SVG breaks. Returns the first fault with its
 * offset, or undefined.
 */

const NAME = /^[A-Za-z_:][\w:.-]*/;
const REFERENCE = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[\da-fA-F]+);/;

/** A fault in character data or an attribute value: a raw `<` or a bare `&`. */
function textFault(text: string, offset: number): string | undefined {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') return `a raw '<' at ${offset + i}`;
    if (text[i] === '&' && !REFERENCE.test(text.slice(i))) return `an '&' that starts no reference at ${offset + i}`;
  }
  return undefined;
}

export function xmlFault(xml: string): string | undefined {
  const open: string[] = [];
  let roots = 0;
  let at = 0;
  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    const text = xml.slice(at, lt < 0 ? xml.length : lt);
    const fault = textFault(text, at);
    if (fault !== undefined) return fault;
    if (open.length === 0 && text.trim() !== '') return `text outside the root element at ${at}`;
    if (lt < 0) break;
    at = lt;
    for (const [start, end] of [
      ['<!--', '-->'],
      ['<?', '?>'],
      ['<![CDATA[', ']]>'],
      ['<!DOCTYPE', '>'],
    ] as const) {
      if (xml.startsWith(start, at)) {
        const close = xml.indexOf(end, at + start.length);
        if (close < 0) return `'${start}' at ${at} is never closed`;
        at = close + end.length;
        break;
      }
    }
    if (at !== lt) continue;
    const closing = xml[at + 1] === '/';
    const name = NAME.exec(xml.slice(at + (closing ? 2 : 1)))?.[0];
    if (name === undefined) return `a tag without a name at ${at}`;
    at += (closing ? 2 : 1) + name.length;
    if (closing) {
      const gt = /^\s*>/.exec(xml.slice(at));
      if (gt === null) return `</${name} at ${at} is not closed by '>'`;
      if (open.pop() !== name) return `</${name}> at ${at} closes an element it did not open`;
      at += gt[0].length;
      continue;
    }
    const seen = new Set<string>();
    for (;;) {
      const attribute = /^\s+([A-Za-z_:][\w:.-]*)\s*=\s*("[^"]*"|'[^']*')/.exec(xml.slice(at));
      if (attribute === null) break;
      if (seen.has(attribute[1]!)) return `attribute ${attribute[1]} given twice in <${name}> at ${at}`;
      seen.add(attribute[1]!);
      const valueFault = textFault(attribute[2]!.slice(1, -1), at);
      if (valueFault !== undefined) return valueFault;
      at += attribute[0].length;
    }
    const end = /^\s*(\/?)>/.exec(xml.slice(at));
    if (end === null) return `<${name} at ${at} has something that is not an attribute before its '>'`;
    at += end[0].length;
    if (open.length === 0) roots++;
    if (roots > 1) return `a second root element <${name}> at ${at}`;
    if (end[1] !== '/') open.push(name);
  }
  if (open.length > 0) return `<${open.at(-1)!}> is never closed`;
  return roots === 1 ? undefined : 'no root element';
}
