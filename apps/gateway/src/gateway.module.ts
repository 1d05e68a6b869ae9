import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CallerTokenSigner, importPrivateKey } from '@platform/auth';
import type { Logger } from '@platform/logging';
import { NatsConnectionManager, NatsRpcClient } from '@platform/nats';
import { openServiceDataSource } from '@platform/persistence';
import { createPublicKey } from 'node:crypto';
import { importSPKI } from 'jose';
import { DataSource } from 'typeorm';
import { AuditLog } from '@platform/audit';
import { AuditController } from './audit/audit.controller';
import { AUDIT_LOCK_KEY } from './audit/audit-lock';
import { DatabaseAuditTrail } from './audit/database-audit-trail';
import type { GatewayConfig } from './config';
import { HealthController } from './health/health.controller';
import { AccessGuard } from './identity/access.guard';
import { AdminController } from './identity/admin.controller';
import { AuthController } from './identity/auth.controller';
import { AuthService } from './identity/auth-service';
import { identityDatabasePlan, identityDataSource } from './identity/database';
import { IdentityStore } from './identity/identity-store';
import { LoginThrottle } from './identity/login-throttle';
import { AccessTokens } from './identity/tokens';
import { ServiceClient } from './messaging/service-client';
import { forwardingController } from './http/forwarded-routes';
import { SERVICE_ROUTES } from '@contracts/registry';
import { SuccessorFollower } from './identity/successor-follower';
import { AUDIT_TRAIL, GATEWAY_CONFIG, GATEWAY_LOGGER } from './tokens';
import type { AuditTrail } from './audit/audit-trail';

/** Every route of the services that the gateway serves by forwarding it, from their route tables. */
const ServiceRoutesController = forwardingController('ServiceRoutesController', SERVICE_ROUTES);

@Module({})
export class GatewayModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(NatsConnectionManager) private readonly nats: NatsConnectionManager,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SuccessorFollower) private readonly follower: SuccessorFollower,
  ) {}

  onApplicationBootstrap(): void {
    this.follower.start();
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
          provide: DataSource,
          // Never serves on a connection that could rewrite the audit trail (a superuser, the table's owner).
          useFactory: () => openServiceDataSource(identityDataSource(config), identityDatabasePlan(config)),
        },
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
        { provide: IdentityStore, inject: [DataSource], useFactory: (db: DataSource) => new IdentityStore(db) },
        { provide: AuditLog, inject: [DataSource], useFactory: (db: DataSource) => new AuditLog({ dataSource: db, lockKey: AUDIT_LOCK_KEY, key: config.AUDIT_KEY }) },
        { provide: AUDIT_TRAIL, inject: [AuditLog], useFactory: (log: AuditLog): AuditTrail => new DatabaseAuditTrail(log) },
        {
          provide: LoginThrottle,
          inject: [DataSource],
          useFactory: (db: DataSource) =>
            new LoginThrottle(db, {
              perAccountAndAddress: config.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
              perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
              windowSeconds: config.LOGIN_WINDOW_SECONDS,
              slowdownAfter: config.LOGIN_SLOWDOWN_AFTER_FAILURES,
              slowdownDelayMs: config.LOGIN_SLOWDOWN_DELAY_MS,
              slowdownMaxDelayMs: config.LOGIN_SLOWDOWN_MAX_DELAY_MS,
            }),
        },
        {
          provide: AuthService,
          inject: [IdentityStore, AccessTokens, LoginThrottle, AUDIT_TRAIL],
          useFactory: (store: IdentityStore, tokens: AccessTokens, throttle: LoginThrottle, audit: AuditTrail) =>
            new AuthService(store, tokens, throttle, audit, { refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS, issuer: config.AUTH_ISSUER }),
        },
        {
          provide: SuccessorFollower,
          inject: [NatsConnectionManager, DataSource, AUDIT_TRAIL],
          useFactory: (nats: NatsConnectionManager, db: DataSource, audit: AuditTrail) => new SuccessorFollower(nats, db, audit, logger),
        },
        { provide: APP_GUARD, useClass: AccessGuard },
        ServiceClient,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.follower.stop();
    await this.nats.close();
    if (this.db.isInitialized) await this.db.destroy();
  }
}
