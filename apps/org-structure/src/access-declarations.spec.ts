import { Reflector } from '@nestjs/core';
import { PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import { declaredAccess } from '@platform/auth';
import { ORG_SERVICE } from '@contracts/org-structure';
import { auditController, healthController } from '@platform/service-kit';
import { orgStructureService } from './service';

const HealthController = healthController(ORG_SERVICE);
const CONTROLLERS = [...orgStructureService.controllers, HealthController, auditController(ORG_SERVICE)];

/* Every message handler declares the permission it needs (or that it is a health probe); none is left open. */
describe('message handlers declare their access', () => {
  const reflector = new Reflector();
  const handlers = CONTROLLERS.flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype)
      .map((name) => ({ controller, name, handler: (controller.prototype as unknown as Record<string, unknown>)[name] }))
      .filter(({ handler }) => typeof handler === 'function' && Reflect.getMetadata(PATTERN_METADATA, handler)),
  );

  it('finds the handlers', () => {
    expect(handlers.length).toBeGreaterThan(20);
  });

  it.each(handlers.map((h) => [`${h.controller.name}.${h.name}`, h] as const))('%s declares a permission', (_label, { controller, handler }) => {
    const access = declaredAccess(reflector, handler as () => unknown, controller);
    expect(access).toBeDefined();
    if (access?.kind === 'public') expect(controller).toBe(HealthController);
  });
});
