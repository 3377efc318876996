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
