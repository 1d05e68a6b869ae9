import { ORG_ROUTES, type ImportUnitsRequest } from '@contracts/org-structure';
import { Controller } from '@nestjs/common';
import { HandlesRoute, type OrgCall } from '../routes';
import { ImportUnits } from './import-units';
import { readCsv, readJson, validateRows } from './parse-import';

@Controller()
export class ImportsController {
  constructor(private readonly importUnits: ImportUnits) {}

  @HandlesRoute(ORG_ROUTES.importUnits)
  import(request: ImportUnitsRequest, { scope }: OrgCall) {
    const read = request.format === 'csv' ? readCsv(request.content) : { rows: readJson(request.rows), errors: [] };
    const { rows, errors } = validateRows(read.rows);
    return this.importUnits.run(rows, [...read.errors, ...errors], request.decisionRef, scope);
  }
}
