/**
 * Where a body stops being JSON (RFC 8259), so a 400 can say where parsing failed without echoing
 * any of the body. Only called once JSON.parse has refused a body: V8's own messages give no
 * position for an unexpected token and quote the text around it.
 */

/** The first character at which `text` can no longer be JSON (1-based line and column), if any. */
export interface JsonErrorAt {
  /** Offset in UTF-16 code units from the start of the text. */
  offset: number;
  line: number;
  column: number;
  /** The text ended while a value was still open. */
  atEnd: boolean;
}

type Step = { end: number } | { error: number };

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

function scanString(text: string, start: number): Step {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return { end: i + 1 };
    if (c < 0x20) return { error: i };
    if (c !== 0x5c) {
      i++;
      continue;
    }
    const escaped = text[i + 1];
    if (escaped === undefined) return { error: i + 1 };
    if (escaped === 'u') {
      for (let k = 2; k < 6; k++)
        if (!isHex(text.charCodeAt(i + k))) return { error: Math.min(i + k, text.length) };
      i += 6;
    } else if ('"\\/bfnrt'.includes(escaped)) i += 2;
    else return { error: i + 1 };
  }
  return { error: text.length };
}

function scanDigits(text: string, start: number): number {
  let i = start;
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

function scanNumber(text: string, start: number): Step {
  let i = start;
  if (text[i] === '-') i++;
  if (text[i] === '0') i++;
  else if (isDigit(text.charCodeAt(i))) i = scanDigits(text, i);
  else return { error: i };
  if (text[i] === '.') {
    if (!isDigit(text.charCodeAt(i + 1))) return { error: i + 1 };
    i = scanDigits(text, i + 1);
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!isDigit(text.charCodeAt(i))) return { error: i };
    i = scanDigits(text, i);
  }
  return { end: i };
}

function scanScalar(text: string, start: number): Step {
  const c = text[start];
  if (c === '"') return scanString(text, start);
  if (c === '-' || isDigit(text.charCodeAt(start))) return scanNumber(text, start);
  for (const literal of ['true', 'false', 'null']) {
    if (c !== literal[0]) continue;
    for (let k = 1; k < literal.length; k++) if (text[start + k] !== literal[k]) return { error: start + k };
    return { end: start + literal.length };
  }
  return { error: start };
}

/** The offset at which `text` stops being JSON, or `undefined` when it is JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  const stack: Array<'{' | '['> = [];
  // What may come next: a value, the first entry of a container (or its end), a key, a colon,
  // or, after a value, a comma or the end of its container (the end of the text at top level).
  let expect: 'value' | 'first-value' | 'first-key' | 'key' | 'colon' | 'next' = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i >= text.length) return expect === 'next' && stack.length === 0 ? undefined : text.length;
    const c = text[i];
    if (expect === 'next') {
      const top = stack.at(-1);
      if (top === undefined) return i;
      if (c === ',') expect = top === '{' ? 'key' : 'value';
      else if ((c === '}' && top === '{') || (c === ']' && top === '[')) stack.pop();
      else return i;
      i++;
      continue;
    }
    if (expect === 'colon') {
      if (c !== ':') return i;
      expect = 'value';
      i++;
      continue;
    }
    if ((expect === 'first-key' && c === '}') || (expect === 'first-value' && c === ']')) {
      stack.pop();
      expect = 'next';
      i++;
      continue;
    }
    if (expect === 'first-key' || expect === 'key') {
      if (c !== '"') return i;
      const key = scanString(text, i);
      if ('error' in key) return key.error;
      expect = 'colon';
      i = key.end;
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push(c);
      expect = c === '{' ? 'first-key' : 'first-value';
      i++;
      continue;
    }
    const value = scanScalar(text, i);
    if ('error' in value) return value.error;
    expect = 'next';
    i = value.end;
  }
}

/** Where `text` stops being JSON, as a line and column; `undefined` when it is JSON. */
export function jsonErrorAt(text: string): JsonErrorAt | undefined {
  const offset = jsonErrorOffset(text);
  if (offset === undefined) return undefined;
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return {
    offset,
    line: before.split('\n').length,
    column: offset - lineStart + 1,
    atEnd: offset >= text.length,
  };
}
