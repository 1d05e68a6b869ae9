import { healthSubject, auditSubjects, type ClientBusContract, type EventConsumerContract, type ServiceBusContract } from '@contracts/common';
import { nkeyAuthenticator, nkeys, type Authenticator, type NatsConnection } from '@nats-io/transport-node';

/**
 * An authenticated bus (ARCHITECTURE decision 5). Every process connects with its own NKey: the server holds only
 * public keys, the process its seed. What each may publish and subscribe to is derived from the services' bus
 * contracts, so no process can forge another's events or send requests it has no business sending.
 */
export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
  /** May answer requests it received (only on their reply subjects, once each). */
  allowResponses: boolean;
}

export interface NatsUser {
  /** The process the key belongs to (gateway, org-structure …); for reading the configuration. */
  name: string;
  /** Its public NKey (`U…`). */
  nkey: string;
  permissions: NatsPermissions;
}

/**
 * Replies come back on a prefix only this process may subscribe to: with the shared `_INBOX.>` any client allowed
 * to receive replies could read everyone's.
 */
export function inboxPrefixOf(process: string): string {
  return `_INBOX_${process.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

const jsApi = (suffix: string) => `$JS.API.${suffix}`;

/** A service: answers its requests, health and audit subjects; publishes only to its own stream; reads its own durables. */
export function servicePermissions(contract: ServiceBusContract): NatsPermissions {
  const health = healthSubject(contract.service);
  const audit = auditSubjects(contract.service);
  const stream = contract.stream;
  return {
    publish: unique([
      // Its operator command asks its own health over the bus.
      health,
      ...(stream
        ? [
            ...stream.subjects,
            jsApi('INFO'),
            jsApi(`STREAM.INFO.${stream.name}`),
            jsApi(`STREAM.CREATE.${stream.name}`),
            jsApi(`STREAM.UPDATE.${stream.name}`),
          ]
        : []),
      ...consumerPermissions(contract.consumers ?? []),
    ]),
    subscribe: [...contract.requests, health, audit.events, audit.verify, `${inboxPrefixOf(contract.service)}.>`],
    allowResponses: true,
  };
}

/** The gateway: sends requests to every service and reads the events its consumers name; answers nothing. */
export function clientPermissions(client: ClientBusContract, services: readonly ServiceBusContract[]): NatsPermissions {
  const publish = services.flatMap((service) => {
    const audit = auditSubjects(service.service);
    return [...service.requests, healthSubject(service.service), audit.events, audit.verify];
  });
  publish.push(...consumerPermissions(client.consumers));
  return { publish, subscribe: [`${inboxPrefixOf(client.process)}.>`, ...(client.listens ?? [])], allowResponses: false };
}

/**
 * What reading through durable consumers takes: each named durable of each named stream, nothing else. Deleting
 * its own durable lets a process start it again from the position its database holds (a restored or new
 * database); it can touch no other consumer, and no stream beyond reading its state.
 */
export function consumerPermissions(consumers: readonly EventConsumerContract[]): string[] {
  if (consumers.length === 0) return [];
  const publish = [jsApi('INFO')];
  for (const { stream, durable } of consumers) {
    publish.push(
      jsApi(`STREAM.INFO.${stream}`),
      jsApi(`CONSUMER.CREATE.${stream}.${durable}`),
      jsApi(`CONSUMER.CREATE.${stream}.${durable}.>`),
      jsApi(`CONSUMER.DURABLE.CREATE.${stream}.${durable}`),
      jsApi(`CONSUMER.INFO.${stream}.${durable}`),
      jsApi(`CONSUMER.DELETE.${stream}.${durable}`),
      jsApi(`CONSUMER.MSG.NEXT.${stream}.${durable}`),
      `$JS.ACK.${stream}.${durable}.>`,
    );
  }
  return unique(publish);
}

const unique = (subjects: string[]) => [...new Set(subjects)];

/** Every process of the platform with its permissions, given each one's public key. */
export function platformNatsUsers(
  clients: readonly ClientBusContract[],
  services: readonly ServiceBusContract[],
  publicKeys: Record<string, string>,
): NatsUser[] {
  const keyOf = (name: string) => {
    const key = publicKeys[name];
    if (!key) throw new Error(`no NATS public key for ${name}`);
    return key;
  };
  return [
    ...clients.map((client) => ({ name: client.process, nkey: keyOf(client.process), permissions: clientPermissions(client, services) })),
    ...services.map((service) => ({ name: service.service, nkey: keyOf(service.service), permissions: servicePermissions(service) })),
  ];
}

/**
 * A nats-server configuration (its format reads JSON): JetStream on, every connection authenticated by NKey, each
 * user allowed only what its permissions list.
 */
export function natsServerConfig(options: { host: string; port: number; storeDir: string; users: readonly NatsUser[] }): string {
  return `${JSON.stringify(
    {
      host: options.host,
      port: options.port,
      jetstream: { store_dir: options.storeDir },
      authorization: {
        users: options.users.map((user) => ({
          nkey: user.nkey,
          permissions: {
            publish: { allow: user.permissions.publish },
            subscribe: { allow: user.permissions.subscribe },
            ...(user.permissions.allowResponses ? { allow_responses: true } : {}),
          },
        })),
      },
    },
    null,
    2,
  )}\n`;
}

/** A new user NKey: the seed for the process, the public key for the server's configuration. */
export function newNatsUserKey(): { seed: string; publicKey: string } {
  const pair = nkeys.createUser();
  return { seed: new TextDecoder().decode(pair.getSeed()), publicKey: pair.getPublicKey() };
}

export function natsPublicKeyOf(seed: string): string {
  return nkeys.fromSeed(new TextEncoder().encode(seed.trim())).getPublicKey();
}

/** A user seed is `SU` and 56 base32 characters. */
export const NATS_USER_SEED = /^SU[A-Z2-7]{56}$/;

/** Connection options of a process: its NKey, and replies on its own inbox prefix. */
export function natsAuthOptions(process: string, seed: string): { authenticator: Authenticator; inboxPrefix: string } {
  const bytes = new TextEncoder().encode(seed.trim());
  // Fails here, naming the problem, rather than at the first connection attempt.
  nkeys.fromSeed(bytes);
  return { authenticator: nkeyAuthenticator(bytes), inboxPrefix: inboxPrefixOf(process) };
}

/**
 * A NATS server that lets anyone in lets anyone forge events and requests: a process of the platform refuses it
 * rather than join it (for the server's own reason to refuse anonymous clients, see docs/access-control.md).
 */
export class UnauthenticatedBusError extends Error {
  constructor(server: string) {
    super(`the NATS server at ${server} does not require authentication; refusing to use it (run it with the platform's NKey configuration)`);
    this.name = 'UnauthenticatedBusError';
  }
}

export function assertAuthenticatedBus(connection: NatsConnection): void {
  if (connection.info?.auth_required !== true) throw new UnauthenticatedBusError(connection.getServer());
}
