import { GraphQLError } from 'graphql';
import type { Authenticator } from '../../auth/authenticator.js';
import { AuthenticationError, type Viewer } from '../../auth/viewer.js';
import type { Logger } from '../../platform/logger.js';

// A request is authenticated once; a WebSocket or an event stream lives on. The watch ends it when
// the credential it was opened with stops working: at the credential's expiry, at once when this
// instance hears of its revocation (the authenticator's broker channel), and — should that message
// be lost — when the periodic re-authentication is refused (the revocation marker, then the
// database, as for any request).

export interface CredentialWatchOptions {
  authenticator: Authenticator;
  /** The credential as it came: re-authenticated as it was. */
  headers: { authorization?: unknown; 'x-api-key'?: unknown };
  viewer: Viewer;
  /** Called once, with the reason, when the credential stops working. */
  onEnd: (error: GraphQLError) => void;
  logger: Pick<Logger, 'warn'>;
  /** Re-authentication interval. */
  recheckMs?: number;
}

/** The error a stream ends with (and the WebSocket close reason, which must stay under 123 bytes). */
export function credentialEnded(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', reason: 'invalid_token' } });
}

// setTimeout takes at most 2^31 − 1 ms (about 24.8 days); a later expiry re-arms.
const longestTimeout = 2 ** 31 - 1;

/** Starts watching; returns the function that stops (call it when the connection ends). */
export function watchCredential(options: CredentialWatchOptions): () => void {
  const { authenticator, viewer } = options;
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  const end = (message: string) => {
    if (done) return;
    stop();
    options.onEnd(credentialEnded(message));
  };

  const stopListening = authenticator.onRevocation(({ kind, publicId }) => {
    if (kind === viewer.credential.kind && publicId === viewer.credential.publicId) {
      end('The credential has been revoked');
    }
  });

  const recheck = setInterval(() => {
    authenticator.authenticate(options.headers).catch((error: unknown) => {
      if (error instanceof AuthenticationError) end(error.message);
      // An outage is not a revocation: the next check, or the broker's message, decides.
      else options.logger.warn({ err: error }, 'could not re-check a subscription credential');
    });
  }, options.recheckMs ?? 60_000);
  recheck.unref();

  const expiresAt = viewer.expiresAt?.getTime();
  const armExpiry = () => {
    if (expiresAt === undefined || done) return;
    const left = expiresAt - Date.now();
    if (left <= 0) return end('The credential has expired');
    timer = setTimeout(armExpiry, Math.min(left, longestTimeout));
    timer.unref();
  };
  // Last: an expired credential ends at once, with everything above in place to stop.
  armExpiry();

  function stop() {
    done = true;
    clearTimeout(timer);
    clearInterval(recheck);
    stopListening();
  }
  return stop;
}
