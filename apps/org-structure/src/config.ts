import { loadServiceConfig, serviceCliEnv, serviceEnv } from '@platform/service-kit';
import type { z } from 'zod';

/** The kit's settings, nothing of its own yet. */
export const orgStructureEnv = serviceEnv({ role: 'org_structure', schema: 'org_structure' });
export type OrgStructureConfig = z.infer<typeof orgStructureEnv>;
export type OrgStructureCliConfig = z.infer<ReturnType<typeof serviceCliEnv<typeof orgStructureEnv>>>;

export function loadOrgStructureConfig(env: Record<string, string | undefined> = process.env): OrgStructureConfig {
  return loadServiceConfig(orgStructureEnv, env);
}

export function loadOrgStructureCliConfig(env: Record<string, string | undefined> = process.env): OrgStructureCliConfig {
  return loadServiceConfig(serviceCliEnv(orgStructureEnv), env);
}
