// The statement the sandbox custodian delivers for an account: its own JSON format, shaped like a
// custody statement (ISO 20022 semt.002 in spirit): an account number, a day, the positions with
// ISIN, quantity and value, and the cash. The demo data carries statements in this format too, so
// what a partner sees in /v1/custodian-snapshots looks the same whichever way a snapshot came.

export const sandboxStatementFormat = 'sandbox-custodian/statement@1';

export interface StatementPosition {
  isin: string | null;
  name: string;
  /** Units held, or the face amount for bonds and loans. */
  quantity: string;
  faceAmount: boolean;
  price: string | null;
  marketValue: string | null;
  currency: string;
}

export interface StatementInput {
  accountNumber: string | null;
  currency: string;
  /** YYYY-MM-DD. */
  asOf: string;
  positions: readonly StatementPosition[];
  /** The cash balance in the account currency, a decimal string. */
  cash: string;
}

export function sandboxStatement(input: StatementInput): Record<string, unknown> {
  return {
    format: sandboxStatementFormat,
    accountNumber: input.accountNumber,
    currency: input.currency,
    asOf: input.asOf,
    positions: input.positions.map((position) => ({
      isin: position.isin,
      name: position.name,
      quantity: position.quantity,
      // ISO 20022's quantity types: units, or face amount.
      quantityType: position.faceAmount ? 'FAMT' : 'UNIT',
      price: position.price,
      marketValue: position.marketValue,
      currency: position.currency,
    })),
    cash: { amount: input.cash, currency: input.currency },
  };
}
