import type { CallerIdentity } from '@contracts/common';
import { ExpiringCache } from '@platform/auth';

/**
 * Who a bearer token stands for, kept a few seconds (IDENTITY_CACHE_SECONDS) so a request does not read the
 * identity tables every time. Anything that changes a caller (logout, role or account changes, roles following a
 * restructuring) clears it here at once; other gateway replicas notice within those seconds.
 */
export const recentCallers = new ExpiringCache<{ caller: CallerIdentity; sessionId: string | null }>(20_000);
