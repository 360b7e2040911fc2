/**
 * Waits for `work` to settle; if it takes longer than `ms`, calls `cutOff` (which should make it end
 * soon, e.g. by aborting) and waits for it still. How a worker stops: in-flight work gets a grace
 * period, then is cut off, and nothing is left running behind the stop.
 */
export async function settleWithin(
  work: readonly Promise<unknown>[],
  ms: number,
  cutOff: () => void,
): Promise<void> {
  const finished = Promise.allSettled(work);
  let timer: NodeJS.Timeout | undefined;
  const patience = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  if ((await Promise.race([finished, patience])) === 'late') {
    cutOff();
    await finished;
  }
  clearTimeout(timer);
}
