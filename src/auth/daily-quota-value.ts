import { ValidationError } from '../domain/errors.js';

/** The largest quota a credential may declare (the column is a Postgres integer). */
export const maxDailyQuota = 2_147_483_647;

export const dailyQuotaRule = `must be a whole number of requests a day, 1 to ${maxDailyQuota}`;

/** A declared daily quota: a positive whole number, or null for none. */
export function checkDailyQuota(value: number | null, field = 'daily_quota'): number | null {
  if (value === null) return null;
  if (!Number.isSafeInteger(value) || value < 1 || value > maxDailyQuota) {
    throw new ValidationError(field, dailyQuotaRule);
  }
  return value;
}

/** The admin CLI's `--daily-quota N`: digits only, so "1e3", "0x10" or "12abc" are refused. */
export function parseDailyQuotaFlag(text: string | undefined, flag = '--daily-quota'): number | null {
  if (text === undefined) return null;
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) throw new ValidationError(flag, dailyQuotaRule);
  return checkDailyQuota(Number(trimmed), flag);
}
