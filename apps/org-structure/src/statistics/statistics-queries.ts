import { todayIso } from '@contracts/common';
import type { StatisticsCounts, StatisticsRequest, StatisticsView } from '@contracts/org-structure';
import { AuthErrorCode, DomainError } from '@contracts/common';
import { poolReader, type Queryable } from '@platform/persistence';
import type { DataSource } from 'typeorm';
import { Scope } from '../domain/scope';
import { OrgErrors } from '../domain/errors';
import { DESCENDANTS_OF } from '../domain/unit-path';

/** ORG-8: statistics are derived from history at a date, never typed in. */
export class StatisticsQueries {
  private readonly reader: Queryable;

  constructor(db: DataSource) {
    this.reader = poolReader(db);
  }

  async statistics(request: StatisticsRequest, scope = Scope.everywhere()): Promise<StatisticsView> {
    const asOf = request.asOf ?? todayIso();
    if (request.rootId) {
      const exists = await this.reader.query<unknown[]>('SELECT 1 FROM unit WHERE id = $1', [request.rootId]);
      if (exists.length === 0) throw OrgErrors.unitNotFound(request.rootId);
      // Counted on each date only if the root lay in the caller's scope on that date (where it was alive at all).
      for (const date of [asOf, ...(request.compareTo ? [request.compareTo] : [])]) {
        const alive = await this.reader.query<unknown[]>('SELECT 1 FROM unit_version WHERE unit_id = $1 AND validity @> $2::date', [request.rootId, date]);
        if (alive.length > 0) await scope.requireAt(this.reader, request.rootId, date, date);
      }
      if (!scope.isEverywhere) await scope.requireEver(this.reader, request.rootId);
    } else if (!scope.isEverywhere) {
      throw new DomainError(AuthErrorCode.Forbidden, 'Statistics of the whole system need a system-wide role; pass rootId');
    }
    const counts = await this.countAt(request.rootId ?? null, asOf);
    if (!request.compareTo) return { rootId: request.rootId ?? null, asOf, counts };
    const compareCounts = await this.countAt(request.rootId ?? null, request.compareTo);
    return {
      rootId: request.rootId ?? null,
      asOf,
      counts,
      compareTo: request.compareTo,
      compareCounts,
      change: difference(counts, compareCounts),
    };
  }

  /** Units under the root (the root excluded) alive on the date; zero when the root itself was not alive then. */
  private async countAt(rootId: string | null, date: string): Promise<StatisticsCounts> {
    const rows: Array<{ level: string; kind: string; block: string; n: string }> = rootId
      ? await this.reader.query(
          `SELECT v.level, v.kind, v.block, count(*) AS n
             FROM unit_version root
             JOIN unit_version v ON ${DESCENDANTS_OF('root.path')} AND v.validity @> $2::date
            WHERE root.unit_id = $1 AND root.validity @> $2::date
            GROUP BY v.level, v.kind, v.block`,
          [rootId, date],
        )
      : await this.reader.query(
          `SELECT level, kind, block, count(*) AS n FROM unit_version WHERE validity @> $1::date GROUP BY level, kind, block`,
          [date],
        );
    const counts: StatisticsCounts = { total: 0, byLevel: {}, byKind: {}, byBlock: {} };
    for (const row of rows) {
      const n = Number(row.n);
      counts.total += n;
      counts.byLevel[row.level] = (counts.byLevel[row.level] ?? 0) + n;
      counts.byKind[row.kind] = (counts.byKind[row.kind] ?? 0) + n;
      counts.byBlock[row.block] = (counts.byBlock[row.block] ?? 0) + n;
    }
    return counts;
  }
}

export function difference(from: StatisticsCounts, to: StatisticsCounts): StatisticsCounts {
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().map((key) => [key, (b[key] ?? 0) - (a[key] ?? 0)]),
    );
  return {
    total: to.total - from.total,
    byLevel: diff(from.byLevel, to.byLevel),
    byKind: diff(from.byKind, to.byKind),
    byBlock: diff(from.byBlock, to.byBlock),
  };
}
