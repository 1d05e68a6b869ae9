import { z } from 'zod';

/** JetStream stream holding identity's events. */
export const IDENTITY_EVENTS_STREAM = 'IDENTITY_EVENTS';
export const IDENTITY_EVENTS_SUBJECTS = 'identity.events.>';

export const IdentityEventSubject = {
  /**
   * What a caller may do changed: an account changed or was disabled, a role was given or ended (also by following
   * a merged unit's successor), a session ended. Whoever caches callers forgets these users.
   */
  callersChanged: 'identity.events.callers.changed',
} as const;
export type IdentityEventSubject = (typeof IdentityEventSubject)[keyof typeof IdentityEventSubject];

export const callersChangedEventSchema = z.object({
  eventId: z.uuid(),
  type: z.literal(IdentityEventSubject.callersChanged),
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.object({
    userIds: z.array(z.uuid()),
    reason: z.enum(['account', 'roles', 'session', 'successor']),
  }),
});
export type CallersChangedEvent = z.infer<typeof callersChangedEventSchema>;
