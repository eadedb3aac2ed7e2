import {
  ACTIVE_STATUSES,
  type AlertArea,
  type AlertLevel,
  type EvidenceItem,
  type LifecycleAlert,
  type LifecycleStatus,
} from '../schemas/alert-lifecycle.ts';
import {
  AREA_RANK,
  DAY_MS,
  LEVEL_RANK,
  addDays,
  areaOverlaps,
  cmp,
  criterionOf,
  evidenceCommunes,
  evidenceKey,
  evidenceSpan,
  maxDay,
  maxLevel,
  minDay,
  widen,
} from './event-extent.ts';
import { seriesFamily } from './series-family.ts';

/**
 * One alert per event (issue 10). Evidence (detector signals and rule hits) joins an active
 * alert of the same syndrome family whose area and days it overlaps; evidence that joins
 * none opens an alert, unless a recently closed alert of that family and area suppresses it.
 * Pure: time and ids are passed in. What the issue leaves open, decided here:
 *
 * - Area overlap: shared communes (a commune in a cluster, clusters sharing a commune); a
 *   province with anything in it (`provinceOf`); nothing else (no adjacency).
 * - Days overlap: the evidence's span within [first_day − gap, last_day + gap]; a weekly item
 *   spans its ISO week (Monday + 6), a cluster its `cluster_days` up to its day.
 * - Widening: commune < cluster < province. The alert takes the wider area's level and code
 *   (a commune alert joined by its cluster becomes that cluster, by its province the
 *   province); a narrower item only adds its communes (a province alert stays the province).
 * - Evidence overlapping several active alerts is one event: they are merged into one, the
 *   primary being the alert officers took furthest (status order below), then the earliest
 *   first_day, then the smallest id. The others are closed with `merged_into` set, their
 *   evidence moved over; they take no lifecycle action and suppress nothing.
 * - Level is the highest of the evidence seen; an item evaluated again (same algorithm,
 *   series, area, granularity, day) replaces its figures, and the level still never lowers.
 * - Suppression: evidence that would open an alert is dropped while a closed or discarded
 *   alert (not merged) of the same family with an overlapping area closed less than
 *   `suppressionDays` before `at`, unless its level is higher than that alert's.
 * - Determinism: a batch is processed in a canonical order (wide areas first, then by span,
 *   identity, figures), so any order of the same evidence gives the same alerts, given ids
 *   drawn in call order. An alert opened and merged within one batch is not reported.
 */
export interface GroupingOptions {
  /** Province code of a commune code; undefined for an unknown commune. */
  readonly provinceOf: (commune: string) => string | undefined;
  /** Series → syndrome family. Default: seriesFamily (code tables). */
  readonly familyOf?: (series: string) => string;
  /** Days of quiet between evidence still counted as the same event. Default 7. */
  readonly gapDays?: number;
  /** Days after an alert closed during which the same criterion opens nothing new at the same or a lower level. Default 7. */
  readonly suppressionDays?: number;
}

export interface GroupingContext {
  /** ISO instant of this evaluation: opened_at/updated_at of changes, the suppression clock. */
  readonly at: string;
  /** A fresh alert id; called once per alert opened, in the canonical order. */
  readonly newId: () => string;
}

export type GroupingDecision =
  | { kind: 'opened'; alert_id: string; evidence: EvidenceItem }
  | { kind: 'joined'; alert_id: string; evidence: EvidenceItem; replaced: boolean }
  | { kind: 'duplicate'; alert_id: string; evidence: EvidenceItem }
  | { kind: 'merged'; alert_id: string; into: string }
  | { kind: 'suppressed'; by: string; evidence: EvidenceItem };

export interface AlertChange {
  readonly alert: LifecycleAlert;
  /** `opened` in this batch, `updated` (evidence, area, level), or `merged` into another. */
  readonly change: 'opened' | 'updated' | 'merged';
  /** The level before this batch (null when opened): yellow → red is worth a notification. */
  readonly previous_level: AlertLevel | null;
}

export interface GroupingResult {
  readonly decisions: GroupingDecision[];
  /** Alerts that changed, as they are now (version +1 once per batch), by id. */
  readonly changes: AlertChange[];
}

/** How far officers took an alert: the primary of a merge is the furthest. */
const PROGRESS: Record<LifecycleStatus, number> = {
  open: 0,
  monitoring: 1,
  verified: 2,
  risk_assessed: 3,
  risk_characterised: 4,
  discarded: -1,
  closed: -1,
};

/**
 * Whether the service must pass this alert to groupEvidence at `at`: active ones gather
 * evidence, closed or discarded ones (not merged) suppress within the window. Others can stay
 * in the store.
 */
export function relevantForGrouping(alert: LifecycleAlert, at: string, suppressionDays = 7): boolean {
  if (ACTIVE_STATUSES.includes(alert.status)) return true;
  return alert.merged_into === null && alert.closed_at !== null && Date.parse(at) - Date.parse(alert.closed_at) < suppressionDays * DAY_MS;
}

/**
 * The canonical order of a batch: wide areas first (a province or a cluster opens the alert
 * its communes then join, instead of each commune opening one to be merged), then by span,
 * then identity and figures.
 */
function canonical(a: EvidenceItem, b: EvidenceItem): number {
  const sa = evidenceSpan(a);
  const sb = evidenceSpan(b);
  return (
    AREA_RANK[b.area_level] - AREA_RANK[a.area_level] ||
    cmp(sa.from, sb.from) ||
    cmp(sa.to, sb.to) ||
    cmp(evidenceKey(a), evidenceKey(b)) ||
    cmp(JSON.stringify(a), JSON.stringify(b))
  );
}

function primaryFirst(a: LifecycleAlert, b: LifecycleAlert): number {
  return PROGRESS[b.status] - PROGRESS[a.status] || cmp(a.first_day, b.first_day) || cmp(a.id, b.id);
}

/** The alert with one more item (or an item's new figures); `replaced` when it had it already. */
function addEvidence(alert: LifecycleAlert, e: EvidenceItem): { alert: LifecycleAlert; replaced: boolean } {
  const key = evidenceKey(e);
  const i = alert.evidence.findIndex((x) => evidenceKey(x) === key);
  const evidence = i < 0 ? [...alert.evidence, e] : alert.evidence.map((x, j) => (j === i ? e : x));
  const span = evidenceSpan(e);
  const area = widen(alert.area, e.area_level, e.area_code, evidenceCommunes(e));
  const next = {
    ...alert,
    evidence,
    area,
    criterion: criterionOf(alert.family, area),
    level: maxLevel(alert.level, e.level),
    first_day: minDay(alert.first_day, span.from),
    last_day: maxDay(alert.last_day, span.to),
  };
  return { alert: next, replaced: i >= 0 };
}

/** `into` after taking in everything `from` holds. */
function absorb(into: LifecycleAlert, from: LifecycleAlert): LifecycleAlert {
  let next = into;
  for (const e of from.evidence) next = addEvidence(next, e).alert;
  const area = widen(next.area, from.area.level, from.area.code, from.area.communes);
  return {
    ...next,
    area,
    criterion: criterionOf(next.family, area),
    level: maxLevel(next.level, from.level),
    first_day: minDay(next.first_day, from.first_day),
    last_day: maxDay(next.last_day, from.last_day),
  };
}

function openAlert(e: EvidenceItem, family: string, ctx: GroupingContext): LifecycleAlert {
  const span = evidenceSpan(e);
  const area: AlertArea = { level: e.area_level, code: e.area_code, communes: evidenceCommunes(e) };
  return {
    id: ctx.newId(),
    criterion: criterionOf(family, area),
    family,
    area,
    first_day: span.from,
    last_day: span.to,
    level: e.level,
    level_since: ctx.at,
    status: 'open',
    evidence: [e],
    risk: { assessment: null, characterisation: null },
    outcome: null,
    outbreak_end: null,
    closed_at: null,
    merged_into: null,
    opened_at: ctx.at,
    updated_at: ctx.at,
    version: 1,
  };
}

/**
 * Groups a batch of evidence against the current alerts (the active ones and those closed
 * within the suppression window; older ones change nothing). Returns every decision and the
 * alerts that changed; the caller stores them and notifies.
 */
export function groupEvidence(
  evidence: readonly EvidenceItem[],
  alerts: readonly LifecycleAlert[],
  options: GroupingOptions,
  ctx: GroupingContext,
): GroupingResult {
  const familyOf = options.familyOf ?? seriesFamily;
  const gap = options.gapDays ?? 7;
  const suppressionDays = options.suppressionDays ?? 7;
  const state = new Map<string, LifecycleAlert>([...alerts].sort((a, b) => cmp(a.id, b.id)).map((a) => [a.id, a]));
  const before = new Map(alerts.map((a) => [a.id, a]));
  const decisions: GroupingDecision[] = [];

  for (const e of [...evidence].sort(canonical)) {
    const family = familyOf(e.series);
    const span = evidenceSpan(e);
    const sameEvent = (a: LifecycleAlert) =>
      a.family === family &&
      areaOverlaps(a.area, e, options.provinceOf) &&
      span.from <= addDays(a.last_day, gap) &&
      span.to >= addDays(a.first_day, -gap);
    const candidates = [...state.values()].filter((a) => ACTIVE_STATUSES.includes(a.status) && sameEvent(a)).sort(primaryFirst);
    const [primary, ...others] = candidates;
    if (primary === undefined) {
      const suppressor = [...state.values()].find(
        (a) =>
          !ACTIVE_STATUSES.includes(a.status) &&
          relevantForGrouping(a, ctx.at, suppressionDays) &&
          a.family === family &&
          areaOverlaps(a.area, e, options.provinceOf) &&
          LEVEL_RANK[e.level] <= LEVEL_RANK[a.level],
      );
      if (suppressor !== undefined) {
        decisions.push({ kind: 'suppressed', by: suppressor.id, evidence: e });
        continue;
      }
      const opened = openAlert(e, family, ctx);
      state.set(opened.id, opened);
      decisions.push({ kind: 'opened', alert_id: opened.id, evidence: e });
      continue;
    }
    const existing = primary.evidence.find((x) => evidenceKey(x) === evidenceKey(e));
    let next = primary;
    if (existing !== undefined && JSON.stringify(existing) === JSON.stringify(e)) {
      decisions.push({ kind: 'duplicate', alert_id: primary.id, evidence: e });
    } else {
      const added = addEvidence(primary, e);
      next = added.alert;
      decisions.push({ kind: 'joined', alert_id: primary.id, evidence: e, replaced: added.replaced });
    }
    for (const o of others) {
      next = absorb(next, o);
      state.set(o.id, { ...o, status: 'closed', merged_into: primary.id, closed_at: ctx.at });
      decisions.push({ kind: 'merged', alert_id: o.id, into: primary.id });
    }
    state.set(primary.id, next);
  }
  return settle(decisions, state, before, ctx.at);
}

/**
 * The batch's outcome as the caller sees it: an alert opened and merged within the batch never
 * existed outside it, so it is left out of the changes and its evidence reported as joining the
 * alert it ended in.
 */
function settle(
  decisions: readonly GroupingDecision[],
  state: Map<string, LifecycleAlert>,
  before: ReadonlyMap<string, LifecycleAlert>,
  at: string,
): GroupingResult {
  const transient = (id: string) => !before.has(id) && state.get(id)?.merged_into != null;
  const root = (id: string): string => {
    let cur = id;
    while (transient(cur)) cur = state.get(cur)!.merged_into!;
    return cur;
  };
  const settled: GroupingDecision[] = [];
  for (const d of decisions) {
    if (d.kind === 'merged') {
      if (!transient(d.alert_id)) settled.push({ ...d, into: root(d.into) });
    } else if (d.kind === 'opened' && transient(d.alert_id)) {
      settled.push({ kind: 'joined', alert_id: root(d.alert_id), evidence: d.evidence, replaced: false });
    } else if (d.kind === 'suppressed') {
      settled.push(d);
    } else {
      settled.push({ ...d, alert_id: root(d.alert_id) });
    }
  }
  for (const [id, a] of [...state]) {
    if (transient(id)) state.delete(id);
    // An alert merged into one that was itself merged within the batch points at the survivor.
    else if (a.merged_into !== null && transient(a.merged_into)) state.set(id, { ...a, merged_into: root(a.merged_into) });
  }
  return { decisions: settled, changes: changesOf(state, before, at) };
}

/** Alerts that differ from what came in, with version and updated_at advanced once. */
function changesOf(state: ReadonlyMap<string, LifecycleAlert>, before: ReadonlyMap<string, LifecycleAlert>, at: string): AlertChange[] {
  const changes: AlertChange[] = [];
  for (const a of [...state.values()].sort((x, y) => cmp(x.id, y.id))) {
    const prev = before.get(a.id);
    if (prev === undefined) {
      changes.push({ alert: a, change: 'opened', previous_level: null });
    } else if (a !== prev) {
      changes.push({
        alert: { ...a, version: prev.version + 1, updated_at: at, level_since: a.level === prev.level ? prev.level_since : at },
        change: a.merged_into !== null && prev.merged_into === null ? 'merged' : 'updated',
        previous_level: prev.level,
      });
    }
  }
  return changes;
}
