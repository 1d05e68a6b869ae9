import { IDENTITY_BUS, IDENTITY_ERRORS } from '@contracts/identity';
import { AuditLog } from '@platform/audit';
import type { Logger } from '@platform/logging';
import { NatsConnectionManager } from '@platform/nats';
import { OutboxRelay } from '@platform/persistence';
import { SERVICE_LOGGER, type ServiceDefinition } from '@platform/service-kit';
import { type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminService } from './admin-service';
import { AuthService } from './auth-service';
import { CallerChanges } from './caller-changes';
import { Callers } from './callers';
import { identityEnv, IDENTITY_REPLACED_VARIABLES, type IdentityConfig } from './config';
import { IDENTITY_MIGRATIONS } from './database';
import { AdminController, SessionsController } from './identity.controller';
import { IdentityStore } from './identity-store';
import { LoginThrottle } from './login-throttle';
import { SuccessorFollower } from './successor-follower';

/** Starts the follower with the service, and stops it before the kit closes NATS and the database under it. */
class FollowerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly follower: SuccessorFollower) {}
  onApplicationBootstrap(): void {
    this.follower.start();
  }
  beforeApplicationShutdown(): Promise<void> {
    return this.follower.stop();
  }
}

/**
 * Identity on the service kit: users, sessions, second factors, login throttling, scoped role assignments that
 * follow merged units' successors, and their audit chain. The gateway verifies the tokens and asks here who they
 * stand for.
 */
export const identityService: ServiceDefinition<IdentityConfig> = {
  bus: IDENTITY_BUS,
  actionPrefix: 'identity',
  env: identityEnv,
  replacedVariables: IDENTITY_REPLACED_VARIABLES,
  database: { extensions: [], migrations: IDENTITY_MIGRATIONS },
  // Not yet in a route table: the gateway's routes to identity do more than forward (tokens, unit checks), and its
  // handlers still state their subjects and permissions themselves.
  routes: [],
  errors: IDENTITY_ERRORS,
  controllers: [SessionsController, AdminController],
  providers: (config) => [
    { provide: IdentityStore, inject: [DataSource], useFactory: (db: DataSource) => new IdentityStore(db) },
    { provide: CallerChanges, inject: [DataSource, OutboxRelay], useFactory: (db: DataSource, relay: OutboxRelay) => new CallerChanges(db, relay) },
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
      inject: [IdentityStore, LoginThrottle, AuditLog, CallerChanges],
      useFactory: (store: IdentityStore, throttle: LoginThrottle, audit: AuditLog, changes: CallerChanges) =>
        new AuthService(store, throttle, audit, changes, { refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS, issuer: config.AUTH_ISSUER }),
    },
    { provide: Callers, inject: [IdentityStore], useFactory: (store: IdentityStore) => new Callers(store) },
    {
      provide: AdminService,
      inject: [IdentityStore, AuditLog, CallerChanges],
      useFactory: (store: IdentityStore, audit: AuditLog, changes: CallerChanges) => new AdminService(store, audit, changes),
    },
    {
      provide: SuccessorFollower,
      inject: [NatsConnectionManager, DataSource, AuditLog, CallerChanges, SERVICE_LOGGER],
      useFactory: (nats: NatsConnectionManager, db: DataSource, audit: AuditLog, changes: CallerChanges, logger: Logger) =>
        new SuccessorFollower(nats, db, config.DATABASE_SCHEMA, audit, changes, logger),
    },
    { provide: FollowerLifecycle, inject: [SuccessorFollower], useFactory: (follower: SuccessorFollower) => new FollowerLifecycle(follower) },
  ],
};
