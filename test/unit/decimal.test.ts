import fc from 'fast-check';
import { addDecimal, decimalOf, isZeroDecimal, negateDecimal } from '../../functions/domain/decimal.js';

describe('exact decimal sums', () => {
  it('adds money without binary rounding', () => {
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(addDecimal('120000', '-120000')).toBe('0');
    expect(addDecimal('-0.5', '0.25')).toBe('-0.25');
    expect(decimalOf(1e-7)).toBe('0.0000001');
    expect(decimalOf(110000.5)).toBe('110000.5');
  });

  it('is exact for cents: the sum of amounts equals the sum of their cents', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e11, max: 1e11 })), (cents) => {
        const sum = cents.reduce((acc, c) => addDecimal(acc, decimalOf(c / 100)), '0');
        const total = cents.reduce((a, c) => a + BigInt(c), 0n);
        const magnitude = total < 0n ? -total : total;
        const text = `${total < 0n ? '-' : ''}${magnitude / 100n}.${String(magnitude % 100n).padStart(2, '0')}`;
        expect(sum).toBe(addDecimal(text, '0'));
      }),
    );
  });

  it('negates and tells zero', () => {
    expect(negateDecimal('12.5')).toBe('-12.5');
    expect(negateDecimal('-3')).toBe('3');
    expect(isZeroDecimal('0.000')).toBe(true);
    expect(isZeroDecimal('-0.01')).toBe(false);
  });
});

describe('decimal strings at their edges', () => {
  it('writes small numbers JavaScript prints with an exponent in full', () => {
    // Amounts are at most 1e12 (the deal schema), so the exponent forms are the small ones.
    expect(decimalOf(1e12)).toBe('1000000000000');
    expect(decimalOf(-2.5e-7)).toBe('-0.00000025');
    expect(decimalOf(1.5e-10)).toBe('0.00000000015');
    expect(decimalOf(0)).toBe('0');
    expect(decimalOf(-0)).toBe('0');
    expect(decimalOf(-12.5)).toBe('-12.5');
    expect(addDecimal('1E+2', '0')).toBe('100');
  });

  it('aligns scales, drops trailing zeros, and never writes -0', () => {
    expect(addDecimal('1.05', '2.1')).toBe('3.15');
    expect(addDecimal('0.10', '0')).toBe('0.1');
    expect(addDecimal('2.50', '-0.5')).toBe('2');
    expect(addDecimal('0.001', '-0.002')).toBe('-0.001');
    expect(addDecimal('-1.5', '1.5')).toBe('0');
    expect(addDecimal('10', '0.25')).toBe('10.25');
    expect(addDecimal('007', '0')).toBe('7');
    expect(negateDecimal('0')).toBe('0');
    expect(negateDecimal('0.50')).toBe('-0.5');
    expect(isZeroDecimal('-0')).toBe(true);
    expect(isZeroDecimal('0.0001')).toBe(false);
  });

  it('refuses what is not a decimal', () => {
    for (const text of ['', 'abc', '1.', '.5', '1.2.3', '+1', '1 000', '--1']) {
      expect(() => addDecimal(text, '0')).toThrow(`not a decimal: ${text}`);
    }
  });

  it('writes every result in one canonical form: no -0, no leading or trailing zeros', () => {
    const canonical = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;
    // Amounts with up to 6 decimals, written with trailing zeros and the sign as stored.
    const amount = fc
      .tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 6 }))
      .map(([units, scale]) => {
        const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
        const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
        return { units, scale, text: `${units < 0n ? '-' : ''}${text}` };
      });
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        const sum = addDecimal(a.text, b.text);
        expect(sum).toMatch(canonical);
        expect(sum).not.toBe('-0');
        // The sum, scaled to 6 decimals, is the sum of the scaled units.
        const scaled = (x: { units: bigint; scale: number }) => x.units * 10n ** BigInt(6 - x.scale);
        expect(scaled({ units: BigInt(sum.replace('.', '')), scale: (sum.split('.')[1] ?? '').length })).toBe(
          scaled(a) + scaled(b),
        );
        expect(addDecimal(a.text, negateDecimal(a.text))).toBe('0');
        expect(negateDecimal(negateDecimal(a.text))).toBe(addDecimal(a.text, '0'));
        expect(negateDecimal(a.text)).toMatch(canonical);
        expect(isZeroDecimal(a.text)).toBe(a.units === 0n);
      }),
    );
  });
});
