/** Where a body stops being JSON: agrees with JSON.parse on what is JSON, and with V8 on where it fails. */
import fc from 'fast-check';
import { jsonErrorAt, jsonErrorOffset } from '../../functions/http/json-error.js';

/** JSON.parse's verdict, and the position V8 names when it names one. */
function v8(text: string): { valid: boolean; position?: number } {
  try {
    JSON.parse(text);
    return { valid: true };
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message)?.[1];
    if (at !== undefined) return { valid: false, position: Number(at) };
    return {
      valid: false,
      ...(/Unexpected end of JSON input/.test(message) ? { position: text.length } : {}),
    };
  }
}

/** Valid JSON with one character inserted, deleted or replaced. */
const mutated = fc
  .tuple(
    fc.json(),
    fc.nat(),
    fc.constantFrom('insert', 'delete', 'replace'),
    fc.constantFrom(...'{}[]:,"\\0123456789.-+eEtrufalsn \n\tx\u0001'.split('')),
  )
  .map(([json, at, how, char]) => {
    const i = at % (json.length + 1);
    if (how === 'insert') return json.slice(0, i) + char + json.slice(i);
    if (how === 'delete') return json.slice(0, i) + json.slice(i + 1);
    return json.slice(0, i) + char + json.slice(i + 1);
  });

describe('jsonErrorOffset', () => {
  it('finds nothing wrong with JSON', () => {
    fc.assert(fc.property(fc.json(), (text) => jsonErrorOffset(text) === undefined));
  });

  it('agrees with JSON.parse on what is JSON, and with V8 on where parsing fails', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string()), (text) => {
        const expected = v8(text);
        const offset = jsonErrorOffset(text);
        expect(offset === undefined).toBe(expected.valid);
        if (expected.position !== undefined) expect(offset).toBe(expected.position);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['not json', 1],
    ['{"a":1,}', 7],
    ['{"a":', 5],
    ['{\n  "a": tru }', 12],
    ['[1 2]', 3],
    ['"abc', 4],
    ['{"a":1}x', 7],
    ['', 0],
    ['01', 1],
    ['"\\x"', 2],
    ['"\\u12g4"', 5],
    ['-', 1],
    ['1.', 2],
    ['1e+', 3],
  ])('%j fails at %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});

describe('jsonErrorAt', () => {
  it('counts lines and columns from 1, and says when the text ended early', () => {
    expect(jsonErrorAt('{\n  "a": tru }')).toEqual({ offset: 12, line: 2, column: 11, atEnd: false });
    expect(jsonErrorAt('{"a": [1,\n')).toEqual({ offset: 10, line: 2, column: 1, atEnd: true });
    expect(jsonErrorAt('{"a": 1}')).toBeUndefined();
  });
});
