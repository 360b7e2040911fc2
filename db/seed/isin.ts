// ISIN (ISO 6166): two-letter country code, nine alphanumerics, and a check digit computed with
// Luhn over the string in which every letter is replaced by its value (A = 10 … Z = 35).

const ISIN_FORMAT = /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/;

export function isinCheckDigit(body: string): number {
  if (!/^[A-Z]{2}[A-Z0-9]{9}$/.test(body)) throw new Error(`Not an ISIN body: ${body}`);
  let expanded = '';
  for (const char of body) expanded += Number.parseInt(char, 36).toString();
  // The check digit will sit to the right, so doubling starts with the rightmost digit of the body.
  let sum = 0;
  let double = true;
  for (let i = expanded.length - 1; i >= 0; i--) {
    let digit = expanded.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}

export function withIsinCheckDigit(body: string): string {
  return `${body}${isinCheckDigit(body)}`;
}

export function isValidIsin(isin: string): boolean {
  return ISIN_FORMAT.test(isin) && isinCheckDigit(isin.slice(0, 11)) === Number(isin[11]);
}
