// Calendar arithmetic on whole UTC days (days since 1970-01-01), so no time zone or clock can shift
// a generated date. Business days are Monday to Friday; holidays are not modelled.

export type Day = number;

const MS_PER_DAY = 86_400_000;
const formatted = new Map<Day, string>();

export function parseDay(value: string): Day {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const day = match ? dayOf(Number(match[1]), Number(match[2]), Number(match[3])) : Number.NaN;
  if (Number.isNaN(day) || formatDay(day) !== value)
    throw new Error(`Not a calendar date (YYYY-MM-DD): ${value}`);
  return day;
}

export function formatDay(day: Day): string {
  let text = formatted.get(day);
  if (text === undefined) {
    text = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    formatted.set(day, text);
  }
  return text;
}

export function dayOf(year: number, month: number, dayOfMonth: number): Day {
  return Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY;
}

export function partsOf(day: Day): { year: number; month: number; day: number } {
  const date = new Date(day * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Same day of month `months` later (or earlier), clamped to the month's last day. */
export function addMonths(day: Day, months: number): Day {
  const parts = partsOf(day);
  const index = parts.year * 12 + (parts.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return dayOf(year, month, Math.min(parts.day, daysInMonth(year, month)));
}

export function endOfMonth(day: Day): Day {
  const { year, month } = partsOf(day);
  return dayOf(year, month, daysInMonth(year, month));
}

export function startOfMonth(day: Day): Day {
  const { year, month } = partsOf(day);
  return dayOf(year, month, 1);
}

export function isBusinessDay(day: Day): boolean {
  // 1970-01-01 was a Thursday.
  const weekday = (((day + 4) % 7) + 7) % 7;
  return weekday !== 0 && weekday !== 6;
}

/** The day itself if it is a business day, else the business day before it. */
export function businessDayOnOrBefore(day: Day): Day {
  let result = day;
  while (!isBusinessDay(result)) result--;
  return result;
}

export function addBusinessDays(day: Day, count: number): Day {
  let result = day;
  let remaining = count;
  while (remaining > 0) {
    result++;
    if (isBusinessDay(result)) remaining--;
  }
  return result;
}

/** The `count` business days ending on or before `day`, oldest first. */
export function businessDaysEnding(day: Day, count: number): Day[] {
  const days: Day[] = [];
  let cursor = businessDayOnOrBefore(day);
  while (days.length < count) {
    if (isBusinessDay(cursor)) days.push(cursor);
    cursor--;
  }
  return days.reverse();
}

/**
 * A periodic schedule through `anchor` (dates anchor ± k·step months): the `before` latest dates on
 * or before `asOf`, oldest first, and the `after` earliest dates after it.
 */
export function scheduleAround(
  anchor: Day,
  stepMonths: number,
  asOf: Day,
  before: number,
  after: number,
): { posted: Day[]; expected: Day[] } {
  let k = 0;
  while (addMonths(anchor, k * stepMonths) > asOf) k--;
  while (addMonths(anchor, (k + 1) * stepMonths) <= asOf) k++;
  const posted: Day[] = [];
  for (let i = before - 1; i >= 0; i--) posted.push(addMonths(anchor, (k - i) * stepMonths));
  const expected: Day[] = [];
  for (let i = 1; i <= after; i++) expected.push(addMonths(anchor, (k + i) * stepMonths));
  return { posted, expected };
}
