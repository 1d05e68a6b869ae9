import { importUnitsRequest, OrgSubject } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parsePayload } from '@platform/nats';
import { ImportUnits } from './import-units';
import { readCsv, readJson, validateRows } from './parse-import';

@Controller()
export class ImportsController {
  constructor(private readonly importUnits: ImportUnits) {}

  @MessagePattern(OrgSubject.importUnits)
  import(@Payload() data: unknown) {
    const request = parsePayload(importUnitsRequest, data);
    const read = request.format === 'csv' ? readCsv(request.content) : { rows: readJson(request.rows), errors: [] };
    const { rows, errors } = validateRows(read.rows);
    return this.importUnits.run(rows, [...read.errors, ...errors], request.decisionRef);
  }
}
