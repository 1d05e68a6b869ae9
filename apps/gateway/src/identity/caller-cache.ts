import { type CallerIdentity } from '@contracts/common';
import { callersChangedEventSchema, IdentityEventSubject } from '@contracts/identity';
import type { Logger } from '@platform/logging';
import { ExpiringCache } from '@platform/auth';
import type { NatsConnectionManager } from '@platform/nats';

export interface CachedCaller {
  caller: Omit<CallerIdentity, 'clientAddress'>;
  sessionId: string | null;
}

/**
 * Who a bearer token stands for, kept a few seconds (IDENTITY_CACHE_SECONDS) so a request does not ask identity
 * every time. Identity says when a caller changed (an account, a role, a session): every replica forgets that user
 * when the event arrives, and this replica at once after a change it forwarded itself. A missed event (the bus was
 * down) costs at most the cache's few seconds.
 */
export class CallerCache {
  private readonly entries = new ExpiringCache<CachedCaller>(20_000);

  constructor(private readonly ttlMs: number) {}

  get(key: string): CachedCaller | undefined {
    return key ? this.entries.get(key) : undefined;
  }

  set(key: string, value: CachedCaller, expiresAt: number): void {
    // Never past the token's own expiry.
    const ttl = Math.min(this.ttlMs, expiresAt - Date.now());
    if (key && ttl > 0) this.entries.set(key, value, ttl);
  }

  forgetUsers(userIds: readonly string[]): void {
    const forgotten = new Set(userIds);
    this.entries.deleteWhere((entry) => forgotten.has(entry.caller.userId));
  }

  forgetAll(): void {
    this.entries.clear();
  }

  /** Hears identity's events on every (re)connection. */
  listen(nats: NatsConnectionManager, logger: Logger): () => void {
    let stopped = false;
    void (async () => {
      while (!stopped) {
        try {
          const connection = await nats.whenReady();
          const subscription = connection.subscribe(IdentityEventSubject.callersChanged);
          // Whatever changed while this replica was not listening is unknown: start afresh.
          this.forgetAll();
          for await (const message of subscription) {
            if (stopped) break;
            const event = callersChangedEventSchema.safeParse(parseJson(message.data));
            if (event.success) this.forgetUsers(event.data.data.userIds);
            else this.forgetAll();
          }
        } catch (error) {
          if (!stopped) logger.debug({ err: (error as Error).message }, 'identity events: listening again');
        }
        if (!stopped) await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    })();
    return () => {
      stopped = true;
    };
  }
}

function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
