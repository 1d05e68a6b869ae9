import { serviceAnswering, subjectMatches } from './bus';

describe('bus subjects', () => {
  it('match NATS wildcards token by token', () => {
    expect(subjectMatches('org.v1.>', 'org.v1.unit.get')).toBe(true);
    expect(subjectMatches('org.v1.>', 'org.v1')).toBe(false);
    expect(subjectMatches('org.*.get', 'org.unit.get')).toBe(true);
    expect(subjectMatches('org.*.get', 'org.unit.x.get')).toBe(false);
    expect(subjectMatches('org.events.unit.merged', 'org.events.unit.merged')).toBe(true);
    expect(subjectMatches('org.v1.>', 'org.v10.unit')).toBe(false);
  });

  it('name the service answering a subject', () => {
    const services = [{ service: 'org-structure', requests: ['org.v1.>'], stream: null }];
    expect(serviceAnswering(services, 'org.v1.unit.get')).toBe('org-structure');
    expect(serviceAnswering(services, 'audit.v1.org-structure.events')).toBe('org-structure');
    expect(serviceAnswering(services, 'health.v1.org-structure')).toBe('org-structure');
    expect(serviceAnswering(services, 'cadres.v1.person.get')).toBeNull();
  });
});
