// Both engines must hand the application identical JavaScript values, or code that passes on the
// embedded default fails on Postgres. Money and quantities stay exact decimal strings (never
// floats), dates stay calendar strings (no time-zone shift), and 64-bit integers stay strings.
const OID = { int8: 20, numeric: 1700, date: 1082 } as const;

const keepText = (value: string): string => value;

export const textParsedTypes: Readonly<Record<number, (value: string) => string>> = {
  [OID.int8]: keepText,
  [OID.numeric]: keepText,
  [OID.date]: keepText,
};
