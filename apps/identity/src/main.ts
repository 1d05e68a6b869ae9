import 'reflect-metadata';
import { runService } from '@platform/service-kit';
import { identityService } from './service';

runService(identityService);
