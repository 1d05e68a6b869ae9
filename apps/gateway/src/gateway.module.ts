import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CallerTokenSigner, importPrivateKey } from '@platform/auth';
import type { Logger } from '@platform/logging';
import { NatsConnectionManager, NatsRpcClient } from '@platform/nats';
import { createPublicKey } from 'node:crypto';
import { importSPKI } from 'jose';
import { AuditController } from './audit/audit.controller';
import type { GatewayConfig } from './config';
import { HealthController } from './health/health.controller';
import { AccessGuard } from './identity/access.guard';
import { AdminController } from './identity/admin.controller';
import { AuthController } from './identity/auth.controller';
import { CallerCache } from './identity/caller-cache';
import { IdentityClient } from './identity/identity-client';
import { AccessTokens } from './identity/tokens';
import { ServiceClient } from './messaging/service-client';
import { forwardingController } from './http/forwarded-routes';
import { SERVICE_ROUTES } from '@contracts/registry';
import { AUDIT_TRAIL, GATEWAY_CONFIG, GATEWAY_LOGGER } from './tokens';

/** Every route of the services that the gateway serves by forwarding it, from their route tables. */
const ServiceRoutesController = forwardingController('ServiceRoutesController', SERVICE_ROUTES);

@Module({})
export class GatewayModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopListening: (() => void) | null = null;

  constructor(
    @Inject(NatsConnectionManager) private readonly nats: NatsConnectionManager,
    @Inject(CallerCache) private readonly callers: CallerCache,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.stopListening = this.callers.listen(this.nats, this.logger);
  }

  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    const keys = (async () => {
      const privateKey = await importPrivateKey(config.AUTH_SIGNING_KEY);
      const publicPem = createPublicKey(config.AUTH_SIGNING_KEY).export({ type: 'spki', format: 'pem' }).toString();
      return { privateKey, publicKey: await importSPKI(publicPem, 'EdDSA') };
    })();
    return {
      module: GatewayModule,
      controllers: [HealthController, AuthController, AdminController, AuditController, ServiceRoutesController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GATEWAY_LOGGER, useValue: logger },
        {
          provide: NatsConnectionManager,
          useFactory: () => {
            const manager = new NatsConnectionManager({ url: config.NATS_URL, name: 'gateway', process: 'gateway', seed: config.NATS_NKEY_SEED, logger });
            // Connect in the background: until NATS answers, API calls get 503 and readiness says why.
            void manager.start();
            return manager;
          },
        },
        {
          provide: NatsRpcClient,
          inject: [NatsConnectionManager],
          useFactory: (manager: NatsConnectionManager) => new NatsRpcClient(manager, config.NATS_REQUEST_TIMEOUT_MS),
        },
        {
          provide: CallerTokenSigner,
          // Valid for the request's whole wait and a little more: a token outlives its request by seconds at most.
          useValue: new CallerTokenSigner(config.CALLER_TOKEN_SECRET, Math.ceil(config.NATS_REQUEST_TIMEOUT_MS / 1_000) + 5),
        },
        {
          provide: AccessTokens,
          useFactory: async () =>
            new AccessTokens(await keys, {
              issuer: config.AUTH_ISSUER,
              audience: config.AUTH_AUDIENCE,
              ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
              oidc:
                config.OIDC_ISSUER && config.OIDC_JWKS_URL
                  ? { issuer: config.OIDC_ISSUER, jwksUrl: config.OIDC_JWKS_URL, audience: config.OIDC_AUDIENCE, usernameClaim: config.OIDC_USERNAME_CLAIM }
                  : undefined,
            }),
        },
        { provide: CallerCache, useValue: new CallerCache(config.IDENTITY_CACHE_SECONDS * 1_000) },
        IdentityClient,
        { provide: AUDIT_TRAIL, useExisting: IdentityClient },
        { provide: APP_GUARD, useClass: AccessGuard },
        ServiceClient,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopListening?.();
    await this.nats.close();
  }
}
