import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import { addCredentialUsage, type UsageCount } from '../auth/credential-usage.repository.js';
import type { Viewer } from '../auth/viewer.js';
import type { Logger } from '../platform/logger.js';

/** How often an instance adds what it counted to the stored sums. */
const flushEveryMs = 5_000;

/** The UTC day of a moment, YYYY-MM-DD: the day quotas and usage records are kept by. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * Requests per credential per UTC day, counted in memory and added to credential_usage every few
 * seconds, on close, and before the usage is read — never a statement per request. A flush that
 * fails keeps its counts for the next one.
 */
export class UsageRecorder {
  #pending = new Map<string, UsageCount>();
  /** Flushes run one after another, so a flush resolves once everything counted before it is stored. */
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      /** Background work: its statements are not a request's. */
      db: Kysely<DB>;
      logger: Logger;
    },
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.flush(), flushEveryMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  count(viewer: Viewer, day: string, outcome: 'admitted' | 'refused'): void {
    const { credential } = viewer;
    const key = `${viewer.tenantId} ${credential.id} ${day}`;
    let entry = this.#pending.get(key);
    if (!entry) {
      entry = {
        tenantId: viewer.tenantId,
        whiteLabelId: viewer.whiteLabelId,
        credentialId: credential.id,
        credentialKind: credential.kind,
        day,
        requests: 0,
        refused: 0,
      };
      this.#pending.set(key, entry);
    }
    if (outcome === 'admitted') entry.requests++;
    else entry.refused++;
  }

  flush(): Promise<void> {
    this.#queue = this.#queue.then(() => this.#write());
    return this.#queue;
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const counted = this.#pending;
    this.#pending = new Map();
    try {
      await addCredentialUsage(this.deps.db, [...counted.values()]);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not record credential usage; kept for the next flush');
      for (const [key, count] of counted) {
        const later = this.#pending.get(key);
        if (later) {
          later.requests += count.requests;
          later.refused += count.refused;
        } else {
          this.#pending.set(key, count);
        }
      }
    }
  }
}
