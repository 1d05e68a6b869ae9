import { clientPermissions, inboxPrefixOf, natsAuthOptions, natsPublicKeyOf, natsServerConfig, newNatsUserKey, platformNatsUsers, servicePermissions } from './bus-auth';

const org = { service: 'org-structure', requests: ['org.v1.>'], stream: { name: 'ORG_EVENTS', subjects: ['org.events.>'] } };
const gateway = { process: 'gateway', consumers: [{ stream: 'ORG_EVENTS', durable: 'gateway-role-scopes', filterSubject: 'org.events.unit.>' }] };

describe('bus permissions derived from the contracts (security hardening, item 1)', () => {
  it('a service answers its own subjects and publishes only to its own stream; it sends no requests', () => {
    const permissions = servicePermissions(org);
    expect(permissions.subscribe).toEqual(['org.v1.>', 'health.v1.org-structure', 'audit.v1.org-structure.events', 'audit.v1.org-structure.verify', '_INBOX_org-structure.>']);
    expect(permissions.publish).toContain('org.events.>');
    expect(permissions.publish).not.toContain('org.v1.>');
    expect(permissions.publish.some((subject) => subject.includes('CONSUMER') || subject.includes('DELETE') || subject.includes('PURGE'))).toBe(false);
    expect(permissions.allowResponses).toBe(true);
  });

  it('the gateway sends requests and reads its own durable consumer; it publishes no event and answers nothing', () => {
    const permissions = clientPermissions(gateway, [org]);
    expect(permissions.publish).toEqual(expect.arrayContaining(['org.v1.>', 'health.v1.org-structure', '$JS.API.CONSUMER.MSG.NEXT.ORG_EVENTS.gateway-role-scopes']));
    expect(permissions.publish.some((subject) => subject.startsWith('org.events'))).toBe(false);
    expect(permissions.publish.filter((subject) => subject.includes('CONSUMER.CREATE')).every((subject) => subject.includes('gateway-role-scopes'))).toBe(true);
    expect(permissions.subscribe).toEqual(['_INBOX_gateway.>']);
    expect(permissions.allowResponses).toBe(false);
  });

  it('a service reading another service\'s events may use only the durables its contract names', () => {
    const readsOrg = { stream: 'ORG_EVENTS', durable: 'cadres-org-units', filterSubject: 'org.events.unit.>' };
    const cadres = { service: 'cadres', requests: ['cadres.v1.>'], stream: { name: 'CADRES_EVENTS', subjects: ['cadres.events.>'] }, consumers: [readsOrg] };
    const permissions = servicePermissions(cadres);
    expect(permissions.publish).toEqual(
      expect.arrayContaining([
        '$JS.API.STREAM.INFO.ORG_EVENTS',
        '$JS.API.CONSUMER.INFO.ORG_EVENTS.cadres-org-units',
        '$JS.API.CONSUMER.DELETE.ORG_EVENTS.cadres-org-units',
        '$JS.API.CONSUMER.MSG.NEXT.ORG_EVENTS.cadres-org-units',
        '$JS.ACK.ORG_EVENTS.cadres-org-units.>',
      ]),
    );
    const consumerSubjects = permissions.publish.filter((subject) => subject.includes('CONSUMER') || subject.startsWith('$JS.ACK'));
    expect(consumerSubjects.every((subject) => subject.includes('.ORG_EVENTS.cadres-org-units'))).toBe(true);
    expect(permissions.publish.some((subject) => subject.startsWith('org.events') || subject.includes('STREAM.UPDATE.ORG_EVENTS'))).toBe(false);
    expect(permissions.subscribe).not.toContain('org.events.>');
    expect(new Set(permissions.publish).size).toBe(permissions.publish.length);
  });

  it('writes a server configuration that authenticates every user by its public key', () => {
    const keys = { gateway: newNatsUserKey(), 'org-structure': newNatsUserKey() };
    const users = platformNatsUsers([gateway], [org], { gateway: keys.gateway.publicKey, 'org-structure': keys['org-structure'].publicKey });
    const config = JSON.parse(natsServerConfig({ host: '127.0.0.1', port: 4223, storeDir: '/tmp/js', users }));
    expect(config.authorization.users.map((user: { nkey: string }) => user.nkey)).toEqual([keys.gateway.publicKey, keys['org-structure'].publicKey]);
    expect(JSON.stringify(config)).not.toContain(keys.gateway.seed);
    expect(natsPublicKeyOf(keys.gateway.seed)).toBe(keys.gateway.publicKey);
    expect(() => platformNatsUsers([gateway], [org], {})).toThrow('no NATS public key for gateway');
  });

  it('gives each process its own reply inbox and refuses a seed that is not one', () => {
    expect(inboxPrefixOf('org-structure')).toBe('_INBOX_org-structure');
    expect(natsAuthOptions('gateway', newNatsUserKey().seed).inboxPrefix).toBe('_INBOX_gateway');
    expect(() => natsAuthOptions('gateway', 'SUnot-a-seed')).toThrow();
  });
});
