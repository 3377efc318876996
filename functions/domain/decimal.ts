/**
 * Exact sums of decimal amounts. Money is added up across leads, months and currencies; binary
 * floating point would turn 0.1 + 0.2 into 0.30000000000000004, and DynamoDB would keep that
 * digit for ever. Amounts travel as decimal strings and are added as scaled integers.
 */

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

function parse(value: string): { units: bigint; scale: number } {
  // toFixed's trailing zeros need no trimming: format drops them from every result.
  const text = /e/i.test(value) ? Number(value).toFixed(20) : value;
  const match = DECIMAL.exec(text);
  if (!match) throw new Error(`not a decimal: ${value}`);
  const [, sign, whole, fraction = ''] = match;
  const magnitude = BigInt(`${whole}${fraction}`);
  return { units: sign ? -magnitude : magnitude, scale: fraction.length };
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  // Never -0: only a unit below zero is negative, and it leaves a digit other than 0 in the text.
  return negative ? `-${text}` : text;
}

/** A number as the decimal string it is written as (JavaScript's shortest round-trip form). */
export function decimalOf(value: number): string {
  const { units, scale } = parse(String(value));
  return format(units, scale);
}

/** a + b, exactly. */
export function addDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const units = x.units * 10n ** BigInt(scale - x.scale) + y.units * 10n ** BigInt(scale - y.scale);
  return format(units, scale);
}

export function negateDecimal(a: string): string {
  const { units, scale } = parse(a);
  return format(-units, scale);
}

export const isZeroDecimal = (a: string): boolean => parse(a).units === 0n;
