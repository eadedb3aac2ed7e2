import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import type { Queryable } from '../platform/operational-store.ts';
import { coversCommune, permits, type Jurisdiction, type Permission, type Principal } from '../schemas/access.ts';
import { ALERT_LEVELS, LIFECYCLE_STATUSES, lifecycleActionSchema, type LifecycleAlert } from '../schemas/alert-lifecycle.ts';
import type { AlertDetailReader, LineListRow } from '../storage/alert-detail-reads.ts';
import type { AlertLifecycleStore } from '../storage/alert-lifecycle.ts';
import type { AuditStore } from '../storage/audit.ts';
import type { CountStore } from '../storage/counts.ts';
import type { NewNotification } from '../storage/outbox.ts';
import { alertSeries, detailPlan, LINE_LIST_LIMIT, type AlertSeries } from './alert-detail.ts';
import { stepNoticeEvent, transitionNotices, type NoticeContext } from './alert-notices.ts';
import { allowedActions } from './lifecycle.ts';

/**
 * The officer's alert API (issue 10), on the lifecycle store:
 * - `GET /v1/alert-inbox`: alerts inside the caller's jurisdiction, filtered, newest opened first, paged;
 * - `GET /v1/alerts/:id`: one alert with its evidence, its steps, the actions this caller may take,
 *   its `series` (8 weeks of daily counts over its area, expected and threshold where known) and,
 *   for a role with `read:line_list`, its `line_list` (pseudonymised events, audited as
 *   `line_list.read`); without that permission `line_list` is null and `line_list_withheld` says why;
 * - `POST /v1/alerts/:id/actions`: one lifecycle step, `{ type, …inputs, version? }` → the new alert.
 * Reading needs `read:aggregates`, acting `work:alerts` (officer, admin). An alert is inside a
 * jurisdiction when any commune of its area is covered (a commune officer sees the province
 * alert that names their commune), or, for a province alert, the province is: outside, it is
 * a 403 (FORBIDDEN) when asked for and left out of lists. The list named `alert-inbox` leaves
 * the ClickHouse-backed `GET /v1/alerts` (dashboards/api-routes.ts) as it is.
 */
export interface AlertLifecycleRoutesDeps {
  /** The caller or a 401 (access/authenticate.ts `authenticate`; cookie POSTs need the CSRF header). */
  authenticate: (req: FastifyRequest) => Promise<Principal>;
  store: AlertLifecycleStore;
  /** Province code of a commune code (the unit tables). */
  provinceOf: (commune: string) => string | undefined;
  /** The series and line list of the detail; without it the detail has neither (both null). */
  detail?: AlertDetailDeps | undefined;
  /** Notifications of a step (the declared end of an outbreak), written in the step's transaction. */
  notify?: TransitionNotifyDeps | undefined;
}

export interface AlertDetailDeps {
  counts: Pick<CountStore, 'readCounts'>;
  reader: AlertDetailReader;
  /** Every line-list read is recorded as `line_list.read` before the rows are answered. */
  audit: Pick<AuditStore, 'audit'>;
  /** The communes of a province (the unit registry): a province alert's series sums them. */
  communesOfProvince: (province: string) => readonly string[];
}

export interface TransitionNotifyDeps {
  /** Subscribers, units and channels, read before the transaction opens. */
  context: () => Promise<NoticeContext>;
  /** storage/outbox.ts `enqueue`, on the transaction of the step. */
  enqueue(tx: Queryable, notifications: readonly NewNotification[], at: Date): Promise<number>;
  /** Wakes the outbox sender once the step committed. */
  wake(): void;
}

/** The line list of the detail: at most {@link LINE_LIST_LIMIT} rows. */
export interface AlertLineList {
  rows: LineListRow[];
  truncated: boolean;
  limit: number;
}

/** Whether the jurisdiction covers the alert: any commune of its area, or its province. Mirrors the store's list filter. */
export function alertInJurisdiction(
  j: Jurisdiction,
  alert: Pick<LifecycleAlert, 'area'>,
  provinceOf: (c: string) => string | undefined,
): boolean {
  const { area } = alert;
  switch (j.level) {
    case 'national':
      return true;
    case 'province':
      return (area.level === 'province' && area.code === j.province) || area.communes.some((c) => provinceOf(c) === j.province);
    case 'communes':
      return area.communes.some((c) => j.communes.includes(c));
  }
}

function requirePermission(p: Principal, permission: Permission): void {
  if (permits(p.role, permission)) return;
  throw new AppError(
    'FORBIDDEN',
    `the role ${p.role} may not do this (${permission}) / vai trò ${p.role} không được phép (${permission})`,
    {
      details: { permission, role: p.role },
    },
  );
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD');
const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter((x) => x !== ''))
    .pipe(z.array(item).min(1).max(200));

const inboxQuery = z.strictObject({
  status: list(z.enum(LIFECYCLE_STATUSES)).optional(),
  level: list(z.enum(ALERT_LEVELS)).optional(),
  syndrome: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/, 'must be a syndrome id, e.g. dengue')
    .optional(),
  area: list(z.string().regex(/^(\d{2}|\d{5})$/, 'must be a province (2 digits) or commune (5 digits) code')).optional(),
  from: day.optional(),
  to: day.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const version = z.number().int().min(1);

/** A 400 naming the first bad field, in English and Vietnamese. */
function invalid(code: 'BAD_QUERY' | 'VALIDATION_FAILED', error: z.ZodError, prefix = ''): AppError {
  const issue = error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter((x) => x !== '').join('.') || '(body)';
  return new AppError(code, `${field}: ${issue.message} / trường ${field} không hợp lệ: ${issue.message}`, {
    details: { field, issues: error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) },
  });
}

export function registerAlertLifecycleRoutes(app: FastifyInstance, deps: AlertLifecycleRoutesDeps): void {
  const { store, provinceOf } = deps;

  /** The alert, or 404; 403 (bilingual) when outside the caller's jurisdiction. */
  const visibleAlert = async (p: Principal, id: string): Promise<LifecycleAlert> => {
    const alert = await store.get(id);
    if (alert === undefined) throw new AppError('NOT_FOUND', `no alert ${id} / không có cảnh báo ${id}`, { details: { alert_id: id } });
    if (!alertInJurisdiction(p.jurisdiction, alert, provinceOf))
      throw new AppError(
        'FORBIDDEN',
        `alert ${id} (${alert.area.level} ${alert.area.code}) is outside your jurisdiction / cảnh báo ${id} nằm ngoài địa bàn của bạn`,
        { details: { alert_id: id, area: alert.area, jurisdiction: p.jurisdiction } },
      );
    return alert;
  };
  const actionsFor = (p: Principal, alert: LifecycleAlert) => (permits(p.role, 'work:alerts') ? allowedActions(alert) : []);
  const idOf = (req: FastifyRequest): string => {
    const r = idParams.safeParse(req.params);
    if (!r.success) throw invalid('BAD_QUERY', r.error);
    return r.data.id;
  };

  app.get('/v1/alert-inbox', async (req) => {
    const p = await deps.authenticate(req);
    requirePermission(p, 'read:aggregates');
    const q = inboxQuery.safeParse(req.query);
    if (!q.success) throw invalid('BAD_QUERY', q.error);
    const page = await store.list({
      jurisdiction: p.jurisdiction,
      status: q.data.status,
      level: q.data.level,
      syndrome: q.data.syndrome,
      areas: q.data.area,
      from: q.data.from,
      to: q.data.to,
      limit: q.data.limit,
      cursor: q.data.cursor,
    });
    return { alerts: page.alerts, next_cursor: page.nextCursor };
  });

  /** The series and (with read:line_list, audited) the line list of the alert for this caller. */
  const detailOf = async (p: Principal, alert: LifecycleAlert, clientAddress: string) => {
    const d = deps.detail;
    const mayList = permits(p.role, 'read:line_list');
    const withheld = mayList
      ? null
      : {
          permission: 'read:line_list' as const,
          message: `the role ${p.role} may not read line lists (read:line_list) / vai trò ${p.role} không được xem danh sách ca bệnh (read:line_list)`,
        };
    if (d === undefined) return { series: null, line_list: null, line_list_withheld: withheld };
    const plan = detailPlan(alert, d.communesOfProvince, (c) => coversCommune(p.jurisdiction, c, provinceOf));
    const [counts, bands] = await Promise.all([
      plan.communes.length === 0
        ? Promise.resolve([])
        : d.counts.readCounts({ syndromes: [plan.syndrome], communes: plan.communes, from: plan.from, to: plan.to }, plan.communes),
      plan.bandArea === null
        ? Promise.resolve([])
        : d.reader.readSignalBands({
            syndrome: plan.syndrome,
            areaLevel: plan.bandArea.level,
            areaCode: plan.bandArea.code,
            from: plan.from,
            to: plan.to,
          }),
    ]);
    const series: AlertSeries = alertSeries(alert, plan, counts, bands);
    if (!mayList) return { series, line_list: null, line_list_withheld: withheld };
    const found = await d.reader.readLineList({
      syndromes: plan.lineListSeries,
      communes: plan.communes,
      days: plan.lineListDays,
      limit: LINE_LIST_LIMIT,
    });
    // Recorded before it is answered: a read the log lacks is never shown.
    await d.audit.audit({
      actor: p,
      clientAddress,
      action: 'line_list.read',
      target: alert.id,
      details: {
        alert_id: alert.id,
        series: plan.lineListSeries,
        communes: plan.communes,
        days: plan.lineListDays,
        rows: found.rows.length,
        truncated: found.truncated,
      },
    });
    const line_list: AlertLineList = { rows: found.rows, truncated: found.truncated, limit: LINE_LIST_LIMIT };
    return { series, line_list, line_list_withheld: null };
  };

  app.get('/v1/alerts/:id', async (req) => {
    const p = await deps.authenticate(req);
    requirePermission(p, 'read:aggregates');
    const alert = await visibleAlert(p, idOf(req));
    const steps = await store.steps(alert.id);
    return { alert, allowed_actions: actionsFor(p, alert), steps, ...(await detailOf(p, alert, req.ip)) };
  });

  app.post('/v1/alerts/:id/actions', async (req) => {
    const p = await deps.authenticate(req);
    requirePermission(p, 'work:alerts');
    // The jurisdiction is checked on the alert as read; grouping only widens an area, so it
    // cannot move the alert out of the jurisdiction before the transition locks it.
    const alert = await visibleAlert(p, idOf(req));
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new AppError('VALIDATION_FAILED', '(body): must be a JSON object / nội dung phải là một đối tượng JSON', {
        details: { field: '(body)' },
      });
    const { version: v, ...rest } = body as Record<string, unknown>;
    const expected = version.optional().safeParse(v);
    if (!expected.success) throw invalid('VALIDATION_FAILED', expected.error, 'version');
    const action = lifecycleActionSchema.safeParse(rest);
    if (!action.success) throw invalid('VALIDATION_FAILED', action.error);
    // Only a step that notifies reads the subscribers (before the transaction: PGlite has one connection).
    const notify = deps.notify;
    const ctx = notify !== undefined && stepNoticeEvent({ action: action.data.type }) !== null ? await notify.context() : undefined;
    let queued = 0;
    const within =
      notify === undefined || ctx === undefined
        ? undefined
        : async (tx: Queryable, stored: LifecycleAlert, step: Parameters<typeof transitionNotices>[1]) => {
            const notices = transitionNotices(stored, step, ctx);
            if (notices.length > 0) queued = await notify.enqueue(tx, notices, new Date(step.at));
          };
    const next = await store.transition(alert.id, expected.data, action.data, { actor: p, clientAddress: req.ip }, within);
    if (queued > 0) notify?.wake();
    return { alert: next, allowed_actions: actionsFor(p, next) };
  });
}
