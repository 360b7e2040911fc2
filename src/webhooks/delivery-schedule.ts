// When a failed delivery is tried again, and when an endpoint has failed for too long.
//
// The first attempt goes out as soon as the event is published. After a failure the delivery is
// retried immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h after each
// further failure (Standard Webhooks' example schedule): 11 attempts over about 75 hours, after
// which the delivery is dead. Each wait is spread by ±10 % so that deliveries which failed together
// (an endpoint that was down) do not all come back in the same second.

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** The wait before retry n + 1, after attempt n + 1 failed (index 0: after the first attempt). */
export const retrySchedule: readonly number[] = [
  0,
  5 * second,
  5 * minute,
  30 * minute,
  2 * hour,
  5 * hour,
  10 * hour,
  14 * hour,
  20 * hour,
  24 * hour,
];

/** The first attempt and one per retry. */
export const maxAttempts = retrySchedule.length + 1;

/** ±10 % around each wait. */
export const jitter = 0.1;

/** How long a request may take, from connecting to the last header (and the body excerpt). */
export const deliveryTimeoutMs = 15 * second;

/** An endpoint that has failed (with no success in between) for this long is disabled. */
export const failingLimitMs = 5 * 24 * hour;

/** The longest Retry-After honoured; a longer one waits this long (the schedule still counts). */
export const maxRetryAfterMs = 24 * hour;

/**
 * When to try again after attempt number `attempts` (1-based) failed, or undefined when it was the
 * last. `retryAfterMs` (from a 429 or 503) sets the earliest time; the schedule may wait longer.
 */
export function nextAttemptAt(
  attempts: number,
  now: Date,
  options: { retryAfterMs?: number | undefined; random?: () => number } = {},
): Date | undefined {
  const wait = retrySchedule[attempts - 1];
  if (wait === undefined) return undefined;
  const random = options.random ?? Math.random;
  const spread = wait * (1 + jitter * (2 * random() - 1));
  const earliest = Math.min(options.retryAfterMs ?? 0, maxRetryAfterMs);
  return new Date(now.getTime() + Math.round(Math.max(spread, earliest)));
}

/**
 * A Retry-After header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) in milliseconds from
 * `now`; undefined when absent or unreadable.
 */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * second;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
