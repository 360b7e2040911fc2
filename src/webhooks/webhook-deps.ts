import type { Broker } from '../platform/broker.js';
import type { SecretBox } from '../platform/secret-box.js';

/** What the webhook management routes need besides the database (threaded from the composition root). */
export interface WebhookDeps {
  /** Seals endpoint secrets and signing keys at rest (PORTICO_ENCRYPTION_KEY). */
  box: SecretBox;
  /** Tells delivery workers that deliveries are due (a test event, a replay). */
  broker: Broker;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: http and private addresses are allowed as webhook URLs. */
  allowPrivateTargets: boolean;
}
