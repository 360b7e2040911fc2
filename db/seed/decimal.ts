// Exact fixed-point arithmetic for money and quantities: values are integers of a given scale
// (price units of 1e-4, cents, micro-units of 1e-6) and become decimal strings only when written.

export const PRICE_SCALE = 4;
export const PRICE_UNIT = 10_000n;

/** a / b rounded half away from zero. */
export function divRound(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('Division by zero');
  const negative = a < 0n !== b < 0n;
  const absA = a < 0n ? -a : a;
  const absB = b < 0n ? -b : b;
  const quotient = (absA * 2n + absB) / (absB * 2n);
  return negative ? -quotient : quotient;
}

/** Integer `units` of 10^-scale as a decimal string, e.g. fixed(12345n, 2) = '123.45'. */
export function fixed(units: bigint | number, scale: number): string {
  if (typeof units === 'number' && !Number.isSafeInteger(units))
    throw new RangeError(`Not an integer: ${units}`);
  const value = BigInt(units);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Money is written with six decimals (the columns' scale) from cents or micro-units. */
export const moneyFromCents = (cents: bigint): string => fixed(cents * 10_000n, 6);
export const moneyFromMicros = (micros: bigint): string => fixed(micros, 6);
export const priceText = (priceUnits: number): string => fixed(priceUnits, PRICE_SCALE);
/** Units held: shares for equities and funds, face amount for bonds and loans. */
export const quantityText = (units: number): string => fixed(BigInt(units) * PRICE_UNIT, PRICE_SCALE);
export const parText = (units: number): string => fixed(BigInt(units) * 1_000_000n, 6);

/** Market value in micro-units: par is priced in percent of face, everything else per unit. */
export function valueMicros(isPar: boolean, units: number, priceUnits: number): bigint {
  const value = BigInt(units) * BigInt(priceUnits);
  return isPar ? value : value * 100n;
}

export const centsFromMicros = (micros: bigint): bigint => divRound(micros, 10_000n);
