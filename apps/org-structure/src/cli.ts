import 'reflect-metadata';
import { DomainError } from '@contracts/common';
import { applyRestructuringRequest } from '@contracts/org-structure';
import { parsePayload } from '@platform/nats';
import { type CliCommand, runCliMain } from '@platform/service-kit';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { ImportUnits } from './imports/import-units';
import { readCsvStream, readJsonArrayStream } from './imports/parse-import';
import { RestructuringService } from './restructuring/restructuring-service';
import { orgStructureService } from './service';
import { UnitQueries } from './units/unit-queries';

/** An import creating at least this many units refreshes the planner's statistics of the unit tables. */
const ANALYZE_AFTER_IMPORTED_UNITS = 10_000;

/** The organisation structure's own operator commands, beside the kit's (migrate, health, audit …). */
const commands: Record<string, CliCommand> = {
  import: {
    usage: `import <file>        import a unit tree from a .json (array of rows) or .csv file, streamed: any size,
                       all or nothing`,
    async run([file], { database, unitOfWork, out }) {
      if (!file) return 2;
      // Fails here, before any connection, when the file cannot be read.
      if (!statSync(file).isFile()) throw new Error(`${file} is not a file`);
      const db = await database();
      try {
        // The file is streamed in batches inside one transaction: memory stays flat whatever its size.
        const input = createReadStream(file);
        const rows = file.toLowerCase().endsWith('.csv') ? readCsvStream(input) : readJsonArrayStream(input);
        // Events reach JetStream through the outbox: the running service's relay publishes them.
        const result = await new ImportUnits(db, unitOfWork(db)).runStream(rows);
        out(`created ${result.created}, unchanged ${result.unchanged}`);
        // Planner statistics for the grown tables now rather than at autovacuum's next pass: restructurings run
        // right after a large import are several times slower on estimates of the tables as they were.
        if (result.created >= ANALYZE_AFTER_IMPORTED_UNITS) {
          await db.query('ANALYZE unit, unit_version').catch((error: Error) => out(`(ANALYZE after the import failed: ${error.message})`));
        }
        return 0;
      } catch (error) {
        const details = (error as { extra?: { details?: { rows?: unknown[] } } }).extra?.details?.rows;
        out(`import refused: ${(error as Error).message}`);
        if (details) out(JSON.stringify(details, null, 2));
        return 1;
      }
    },
  },
  restructure: {
    usage: `restructure <file>   apply a restructuring from a .json file (the body of POST /api/v1/org/restructurings),
                       all or nothing`,
    async run([file], { database, unitOfWork, out }) {
      if (!file) return 2;
      try {
        const request = parsePayload(applyRestructuringRequest, JSON.parse(readFileSync(file, 'utf8')) as unknown);
        const db = await database();
        // Events reach JetStream through the outbox: the running service's relay publishes them.
        const applied = await new RestructuringService(db, unitOfWork(db), new UnitQueries(db)).apply(request);
        const counts = new Map<string, number>();
        for (const operation of applied.operations) counts.set(operation.type, (counts.get(operation.type) ?? 0) + 1);
        out(
          `applied restructuring ${applied.decisionRef ?? '(no decision)'} effective ${applied.effectiveDate}: ` +
            `${[...counts].map(([type, n]) => `${n} ${type}`).join(', ')}; ${applied.affectedUnitIds.length} units affected; id ${applied.id}`,
        );
        return 0;
      } catch (error) {
        if (!(error instanceof DomainError)) {
          out(`restructuring failed: ${(error as Error).message}`);
          return 1;
        }
        const { code, message, rule, errors, details } = error.toPayload();
        out(`restructuring refused: ${code}: ${message}${rule ? ` (${rule})` : ''}`);
        for (const field of errors ?? []) out(`  ${field.path || '(request)'}: ${field.message}`);
        if (details) out(JSON.stringify(details, null, 2));
        return 1;
      }
    },
  },
};

runCliMain(orgStructureService, commands);
