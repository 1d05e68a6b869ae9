import 'reflect-metadata';
import { runService } from '@platform/service-kit';
import { orgStructureService } from './service';

runService(orgStructureService);
