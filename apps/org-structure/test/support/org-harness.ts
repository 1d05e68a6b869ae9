import type { ServiceBusContract } from '@contracts/common';
import { startServiceHarness, type ServiceHarness } from '@platform/service-testing';
import type { OrgStructureConfig } from '../../src/config';
import { orgStructureService } from '../../src/service';

export { SYSTEM_ADMINISTRATOR, TEST_GATEWAY, TEST_OBSERVER, scopedCaller, serviceError } from '@platform/service-testing';

export type OrgHarness = ServiceHarness<OrgStructureConfig>;

/**
 * The org-structure service on a private nats-server and a fresh database, called over real NATS. `services` are
 * other processes of the bus (e.g. one reading org-structure's events), given credentials as their contracts say.
 */
export function startOrgHarness(options: { services?: readonly ServiceBusContract[] } = {}): Promise<OrgHarness> {
  return startServiceHarness(orgStructureService, { otherServices: options.services });
}
