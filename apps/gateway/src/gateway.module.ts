import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@platform/logging';
import { NatsConnectionManager, NatsRpcClient } from '@platform/nats';
import type { GatewayConfig } from './config';
import { HealthController } from './health/health.controller';
import { ServiceClient } from './messaging/service-client';
import { OrgController } from './org/org.controller';
import { GATEWAY_CONFIG, GATEWAY_LOGGER } from './tokens';

@Module({})
export class GatewayModule implements OnApplicationShutdown {
  constructor(@Inject(NatsConnectionManager) private readonly nats: NatsConnectionManager) {}

  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [HealthController, OrgController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GATEWAY_LOGGER, useValue: logger },
        {
          provide: NatsConnectionManager,
          useFactory: () => {
            const manager = new NatsConnectionManager({ url: config.NATS_URL, name: 'gateway', logger });
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
        ServiceClient,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.nats.close();
  }
}
