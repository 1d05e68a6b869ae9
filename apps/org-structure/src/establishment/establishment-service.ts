import { addDays, DomainError, todayIso } from '@contracts/common';
import {
  OrgErrorCode,
  OrgEventSubject,
  type CreatePostRequest,
  type CreateReductionTargetRequest,
  type CreateTermRequest,
  type EndLeadershipRequest,
  type EstablishmentEventSubject,
  type LeadershipLinkView,
  type LinkLeadershipRequest,
  type ListByUnitRequest,
  type ListLeadershipRequest,
  type ListQuotasRequest,
  type OrgEventData,
  type OrgEventEnvelope,
  type PostView,
  type QuotaView,
  type ReductionTargetView,
  type SetQuotasRequest,
  type TermView,
} from '@contracts/org-structure';
import { poolReader, type OutboxEvent, type Queryable } from '@platform/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { OrgErrors } from '../domain/errors';
import type { UnitOfWork } from '@platform/service-kit';
import { Scope } from '../domain/scope';

const PARTY_COMMITTEE_KINDS = ['party_committee', 'party_organisation', 'grassroots_party_organisation'];

/**
 * What hangs off a unit beside the tree: "led by" links (ORG-5), posts and staffing (ORG-6), committee terms
 * (ORG-7). All dated like the units themselves.
 */
export class EstablishmentService {
  /** Reads outside a transaction go straight to the pool. */
  private readonly reader: Queryable;

  constructor(
    private readonly db: DataSource,
    private readonly work: UnitOfWork,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.reader = poolReader(db);
  }

  linkLeadership(request: LinkLeadershipRequest, scope = Scope.everywhere()): Promise<LeadershipLinkView> {
    return this.work.run({ type: 'leadership-link', id: null, unitScope: request.leaderId }, async (manager) => {
      if (request.leaderId === request.ledId) {
        throw OrgErrors.invalidOperation('A unit cannot lead itself', 'ledId');
      }
      await assertAlive(manager, request.leaderId, request.validFrom, 'leaderId', false, scope);
      await assertAlive(manager, request.ledId, request.validFrom, 'ledId', false, scope);
      const id = randomUUID();
      await manager.query(
        'INSERT INTO leadership_link (id, leader_id, led_id, valid_from, decision_ref) VALUES ($1, $2, $3, $4, $5)',
        [id, request.leaderId, request.ledId, request.validFrom, request.decisionRef ?? null],
      );
      const view: LeadershipLinkView = {
        id,
        leaderId: request.leaderId,
        ledId: request.ledId,
        validFrom: request.validFrom,
        validTo: null,
        decisionRef: request.decisionRef ?? null,
      };
      return { result: view, events: [this.event(OrgEventSubject.leadershipLinked, request.validFrom, view)], object: { id } };
    });
  }

  endLeadership(request: EndLeadershipRequest, scope = Scope.everywhere()): Promise<LeadershipLinkView> {
    return this.work.run({ type: 'leadership-link', id: request.linkId, unitScope: null }, async (manager) => {
      const [link] = await manager.query(
        `SELECT id, leader_id, led_id, valid_from::text AS valid_from, valid_to::text AS valid_to, decision_ref
           FROM leadership_link WHERE id = $1 FOR UPDATE`,
        [request.linkId],
      );
      if (!link) throw OrgErrors.recordNotFound('Leadership link', request.linkId);
      // Both units must lie in scope on the link's last day: who may end it is who holds both ends then.
      const lastDay = addDays(request.validTo > link.valid_from ? request.validTo : link.valid_from, -1);
      if (!(await scope.containsAt(manager, link.leader_id, lastDay)) || !(await scope.containsAt(manager, link.led_id, lastDay))) {
        throw OrgErrors.recordOutOfScope('Leadership link', request.linkId);
      }
      if (link.valid_to !== null) {
        throw OrgErrors.invalidOperation(`The link already ended on ${link.valid_to}`, 'validTo');
      }
      if (request.validTo <= link.valid_from) {
        throw OrgErrors.invalidOperation(`The link began on ${link.valid_from}; it must end after that`, 'validTo');
      }
      await manager.query('UPDATE leadership_link SET valid_to = $2 WHERE id = $1', [request.linkId, request.validTo]);
      const view = linkView({ ...link, valid_to: request.validTo });
      return { result: view, events: [this.event(OrgEventSubject.leadershipEnded, request.validTo, view)], object: { unitScope: link.leader_id } };
    });
  }

  /** ORG-5: the units a unit leads, or the units leading it, as of a date. */
  async leadership({ id, direction, asOf = todayIso() }: ListLeadershipRequest, scope = Scope.everywhere()): Promise<{ items: LeadershipLinkView[] }> {
    await assertAlive(this.reader, id, asOf, 'id', true, scope);
    const [self, other] = direction === 'leads' ? ['leader_id', 'led_id'] : ['led_id', 'leader_id'];
    const params: unknown[] = [id, asOf];
    // The unit on the other side is shown only when it is in the caller's scope too.
    const otherInScope = scope.sqlAt('v.path', '$2::date', params);
    const rows = await this.reader.query<Array<Record<string, string>>>(
      `SELECT l.id, l.leader_id, l.led_id, l.valid_from::text AS valid_from, l.valid_to::text AS valid_to, l.decision_ref,
              v.unit_id AS other_id, v.code AS other_code, v.name AS other_name
         FROM leadership_link l
         JOIN unit_version v ON v.unit_id = l.${other} AND v.validity @> $2::date
        WHERE l.${self} = $1 AND l.validity @> $2::date AND ${otherInScope}
        ORDER BY v.code`,
      params,
    );
    return {
      items: rows.map((row: Record<string, string>) => ({
        ...linkView(row),
        direction,
        other: { id: row.other_id, code: row.other_code, name: row.other_name },
      })),
    };
  }

  createPost(request: CreatePostRequest, scope = Scope.everywhere()): Promise<PostView> {
    return this.work.run({ type: 'post', id: null, unitScope: request.unitId }, async (manager) => {
      await assertAlive(manager, request.unitId, request.validFrom, 'unitId', true, scope);
      const id = randomUUID();
      await manager.query('INSERT INTO unit_post (id, unit_id, title, seats, valid_from) VALUES ($1, $2, $3, $4, $5)', [
        id,
        request.unitId,
        request.title,
        request.seats,
        request.validFrom,
      ]);
      const view: PostView = { id, ...request, validTo: null };
      return { result: view, events: [this.event(OrgEventSubject.postDefined, request.validFrom, view)], object: { id } };
    });
  }

  async posts({ unitId, asOf = todayIso() }: ListByUnitRequest, scope = Scope.everywhere()): Promise<{ items: PostView[] }> {
    await assertAlive(this.reader, unitId, asOf, 'unitId', true, scope);
    const rows = await this.reader.query<Array<Record<string, string | number>>>(
      `SELECT id, unit_id, title, seats, valid_from::text AS valid_from, valid_to::text AS valid_to FROM unit_post
        WHERE unit_id = $1 AND valid_from <= $2::date AND (valid_to IS NULL OR valid_to > $2::date) ORDER BY title`,
      [unitId, asOf],
    );
    return {
      items: rows.map((r: Record<string, string | number>) => ({
        id: r.id as string,
        unitId: r.unit_id as string,
        title: r.title as string,
        seats: Number(r.seats),
        validFrom: r.valid_from as string,
        validTo: (r.valid_to as string | null) ?? null,
      })),
    };
  }

  /** ORG-6: approved quotas (and actual headcount) per year and category; setting a year again replaces it. */
  setQuotas(request: SetQuotasRequest, scope = Scope.everywhere()): Promise<{ items: QuotaView[] }> {
    return this.work.run({ type: 'staffing-quota', id: request.unitId, unitScope: request.unitId }, async (manager) => {
      // A year's quotas belong to whoever holds the unit on 1 January (or on its first day, if it began later).
      await assertExists(manager, request.unitId, scope, `${request.year}-01-01`);
      const categories = request.quotas.map((q) => q.category);
      if (new Set(categories).size !== categories.length) {
        throw new DomainError('VALIDATION_FAILED', 'A category appears twice', {
          errors: [{ path: 'quotas', message: 'each category at most once' }],
        });
      }
      for (const quota of request.quotas) {
        await manager.query(
          `INSERT INTO staffing_quota (unit_id, year, category, approved, actual) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (unit_id, year, category) DO UPDATE SET approved = EXCLUDED.approved, actual = EXCLUDED.actual`,
          [request.unitId, request.year, quota.category, quota.approved, quota.actual ?? null],
        );
      }
      const items = request.quotas.map((q) => ({
        unitId: request.unitId,
        year: request.year,
        category: q.category,
        approved: q.approved,
        actual: q.actual ?? null,
      }));
      return {
        result: { items },
        events: [this.event(OrgEventSubject.quotasSet, `${request.year}-01-01`, { unitId: request.unitId, year: request.year, items })],
        details: { year: request.year },
      };
    });
  }

  async quotas({ unitId, year }: ListQuotasRequest, scope = Scope.everywhere()): Promise<{ items: QuotaView[] }> {
    await assertExists(this.reader, unitId, scope);
    const rows = await this.reader.query<Array<Record<string, string | number | null>>>(
      `SELECT unit_id, year, category, approved, actual FROM staffing_quota
        WHERE unit_id = $1 AND ($2::int IS NULL OR year = $2) ORDER BY year, category`,
      [unitId, year ?? null],
    );
    // History shows the years the unit lay in the caller's scope: a quota year by its 1 January (a target by its
    // first year's, a term by its start).
    const shown = await scope.datesVisible(this.reader, unitId, rows.map((r) => `${r.year}-01-01`));
    return {
      items: rows.filter((r) => shown.has(`${r.year}-01-01`)).map((r: Record<string, string | number | null>) => ({
        unitId: r.unit_id as string,
        year: Number(r.year),
        category: r.category as QuotaView['category'],
        approved: Number(r.approved),
        actual: r.actual === null ? null : Number(r.actual),
      })),
    };
  }

  createReductionTarget(request: CreateReductionTargetRequest, scope = Scope.everywhere()): Promise<ReductionTargetView> {
    return this.work.run({ type: 'reduction-target', id: null, unitScope: request.unitId }, async (manager) => {
      await assertExists(manager, request.unitId, scope, `${request.fromYear}-01-01`);
      const id = randomUUID();
      await manager.query(
        `INSERT INTO reduction_target (id, unit_id, category, from_year, to_year, percent, decision_ref)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, request.unitId, request.category, request.fromYear, request.toYear, request.percent, request.decisionRef ?? null],
      );
      const [view] = await this.targetViews(manager, request.unitId, id);
      return { result: view, events: [this.event(OrgEventSubject.reductionTargetSet, `${request.fromYear}-01-01`, view)], object: { id } };
    });
  }

  async reductionTargets({ unitId }: { unitId: string }, scope = Scope.everywhere()): Promise<{ items: ReductionTargetView[] }> {
    await assertExists(this.reader, unitId, scope);
    const targets = await this.targetViews(this.reader, unitId);
    const shown = await scope.datesVisible(this.reader, unitId, targets.map((t) => `${t.fromYear}-01-01`));
    return { items: targets.filter((t) => shown.has(`${t.fromYear}-01-01`)) };
  }

  /**
   * ORG-6: progress against a target, from the headcount recorded per year (actual when reported, else the
   * approved quota): baseline at fromYear, the latest year recorded up to toYear.
   */
  private async targetViews(manager: Queryable, unitId: string, onlyId?: string): Promise<ReductionTargetView[]> {
    const rows = await manager.query<Array<Record<string, string | number | null>>>(
      `SELECT t.id, t.unit_id, t.category, t.from_year, t.to_year, t.percent::float8 AS percent, t.decision_ref,
              (SELECT COALESCE(actual, approved) FROM staffing_quota q
                WHERE q.unit_id = t.unit_id AND q.category = t.category AND q.year = t.from_year) AS baseline,
              latest.year AS latest_year, latest.headcount AS latest
         FROM reduction_target t
         LEFT JOIN LATERAL (
           SELECT year, COALESCE(actual, approved) AS headcount FROM staffing_quota q
            WHERE q.unit_id = t.unit_id AND q.category = t.category AND q.year > t.from_year AND q.year <= t.to_year
            ORDER BY year DESC LIMIT 1) latest ON true
        WHERE t.unit_id = $1 AND ($2::uuid IS NULL OR t.id = $2)
        ORDER BY t.from_year, t.category`,
      [unitId, onlyId ?? null],
    );
    return rows.map((r: Record<string, string | number | null>) => {
      const baseline = r.baseline === null ? null : Number(r.baseline);
      const latest = r.latest === null ? null : Number(r.latest);
      const percent = Number(r.percent);
      const targetHeadcount = baseline === null ? null : Math.floor(baseline * (1 - percent / 100));
      const reducedPercent =
        baseline && latest !== null ? Math.round(((baseline - latest) / baseline) * 10_000) / 100 : null;
      return {
        id: r.id as string,
        unitId: r.unit_id as string,
        category: r.category as ReductionTargetView['category'],
        fromYear: Number(r.from_year),
        toYear: Number(r.to_year),
        percent,
        decisionRef: (r.decision_ref as string | null) ?? null,
        progress: {
          baseline,
          latestYear: r.latest_year === null ? null : Number(r.latest_year),
          latest,
          reducedPercent,
          targetHeadcount,
          onTrack: targetHeadcount === null || latest === null ? null : latest <= targetHeadcount,
        },
      };
    });
  }

  /** ORG-7: terms of a party committee; they never overlap. */
  createTerm(request: CreateTermRequest, scope = Scope.everywhere()): Promise<TermView> {
    return this.work.run({ type: 'committee-term', id: null, unitScope: request.unitId }, async (manager) => {
      const [unit] = await manager.query(
        `SELECT kind FROM unit_version WHERE unit_id = $1 ORDER BY valid_from DESC LIMIT 1`,
        [request.unitId],
      );
      if (!unit) throw OrgErrors.unitNotFound(request.unitId);
      await scope.requireAt(manager, request.unitId, request.startDate);
      if (!PARTY_COMMITTEE_KINDS.includes(unit.kind)) {
        throw new DomainError(OrgErrorCode.TermConflict, `Only party committees have terms; this unit is a ${unit.kind}`, {
          rule: 'ORG-7',
        });
      }
      const id = randomUUID();
      await manager.query(
        'INSERT INTO committee_term (id, unit_id, name, start_date, end_date) VALUES ($1, $2, $3, $4, $5)',
        [id, request.unitId, request.name, request.startDate, request.endDate],
      );
      const view: TermView = { id, ...request };
      return { result: view, events: [this.event(OrgEventSubject.termDefined, request.startDate, view)], object: { id } };
    });
  }

  async terms({ unitId, asOf }: { unitId: string; asOf?: string }, scope = Scope.everywhere()): Promise<{ items: TermView[] }> {
    await assertExists(this.reader, unitId, scope, asOf);
    const rows = await this.reader.query<Array<Record<string, string>>>(
      `SELECT id, unit_id, name, start_date::text AS start_date, end_date::text AS end_date FROM committee_term
        WHERE unit_id = $1 AND ($2::date IS NULL OR (start_date <= $2::date AND end_date > $2::date))
        ORDER BY start_date`,
      [unitId, asOf ?? null],
    );
    const shown = await scope.datesVisible(this.reader, unitId, rows.map((r) => r.start_date));
    return {
      items: rows.filter((r) => shown.has(r.start_date)).map((r: Record<string, string>) => ({
        id: r.id,
        unitId: r.unit_id,
        name: r.name,
        startDate: r.start_date,
        endDate: r.end_date,
      })),
    };
  }

  private event<Subject extends EstablishmentEventSubject>(subject: Subject, effectiveDate: string, data: OrgEventData[Subject]): OutboxEvent {
    const eventId = randomUUID();
    const payload: OrgEventEnvelope<Subject, OrgEventData[Subject]> = {
      eventId,
      type: subject,
      occurredAt: this.now().toISOString(),
      effectiveDate,
      decisionRef: 'decisionRef' in data ? data.decisionRef : null,
      restructuringId: null,
      data,
    };
    return { id: eventId, subject, payload };
  }
}

function linkView(row: Record<string, string | null>): LeadershipLinkView {
  return {
    id: row.id as string,
    leaderId: row.leader_id as string,
    ledId: row.led_id as string,
    validFrom: row.valid_from as string,
    validTo: row.valid_to ?? null,
    decisionRef: row.decision_ref ?? null,
  };
}

/** The unit must be alive on the date; `inPath` says whether it was named in the URL (404) or the body (422). */
async function assertAlive(
  manager: Queryable,
  unitId: string,
  date: string,
  field: string,
  inPath = false,
  scope = Scope.everywhere(),
): Promise<void> {
  const rows = await manager.query<unknown[]>('SELECT 1 FROM unit_version WHERE unit_id = $1 AND validity @> $2::date', [unitId, date]);
  if (rows.length === 0) {
    throw inPath ? OrgErrors.unitNotFound(unitId, date) : OrgErrors.referencedUnitNotFound(`Unit ${unitId}`, date, field);
  }
  if (!(await scope.containsAt(manager, unitId, date))) {
    throw inPath ? OrgErrors.outOfScope(unitId, date) : OrgErrors.referencedOutOfScope(`Unit ${unitId}`, date, field, unitId);
  }
}

/**
 * The unit exists; with a date, it lay in scope then (brought into its life), else at some time (a list of dated
 * records, each then shown only for the periods the unit lay in scope).
 */
async function assertExists(manager: Queryable, unitId: string, scope = Scope.everywhere(), date?: string): Promise<void> {
  const rows = await manager.query<unknown[]>('SELECT 1 FROM unit WHERE id = $1', [unitId]);
  if (rows.length === 0) throw OrgErrors.unitNotFound(unitId);
  if (date) await scope.requireAt(manager, unitId, date);
  else await scope.requireEver(manager, unitId);
}
