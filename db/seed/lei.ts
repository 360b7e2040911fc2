// LEI (ISO 17442): 18 alphanumerics and two check digits under ISO 7064 MOD 97-10, the IBAN scheme.

function mod97(alphanumeric: string): number {
  let remainder = 0;
  for (const char of alphanumeric) {
    const value = Number.parseInt(char, 36);
    remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder;
}

export function withLeiCheckDigits(body: string): string {
  if (!/^[A-Z0-9]{18}$/.test(body)) throw new Error(`Not an LEI body: ${body}`);
  return `${body}${String(98 - mod97(`${body}00`)).padStart(2, '0')}`;
}

export function isValidLei(lei: string): boolean {
  return /^[A-Z0-9]{18}[0-9]{2}$/.test(lei) && mod97(lei) === 1;
}
