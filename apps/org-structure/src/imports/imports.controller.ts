import { importUnitsRequest, OrgSubject } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
import { Caller, RequiresPermission } from '@platform/auth';
import { Permission, type CallerIdentity } from '@contracts/common';
import { Scopes } from '../domain/scope';
import { ImportUnits } from './import-units';
import { readCsv, readJson, validateRows } from './parse-import';

@Controller()
export class ImportsController {
  constructor(
    private readonly importUnits: ImportUnits,
    private readonly scopes: Scopes,
  ) {}

  @MessagePattern(OrgSubject.importUnits)
  @RequiresPermission(Permission.OrgUnitRestructure)
  async import(@Payload() data: unknown, @Caller() caller: CallerIdentity) {
    const request = parsePayload(importUnitsRequest, data);
    const read = request.format === 'csv' ? readCsv(request.content) : { rows: readJson(request.rows), errors: [] };
    const { rows, errors } = validateRows(read.rows);
    return this.importUnits.run(rows, [...read.errors, ...errors], request.decisionRef, await this.scopes.of(caller, Permission.OrgUnitRestructure));
  }
}
