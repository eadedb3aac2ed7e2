import {
  ACTION_TYPES,
  riskLevel,
  type ActionType,
  type LifecycleAction,
  type LifecycleAlert,
  type LifecycleStatus,
  type LifecycleStep,
} from '../schemas/alert-lifecycle.ts';

/**
 * The lifecycle as a table: status × action → next status. What the issue leaves open,
 * decided here:
 * - `monitoring` is a verification outcome beside verified and discarded: the officer keeps
 *   watching, then verifies or discards; it does not lead to risk assessment directly.
 * - Closing needs a verified event (verified or later): an alert never verified is discarded,
 *   not closed, so "closed" always carries an outcome of an investigated event.
 * - Risk assessment is iterative (WHO RRA): assessing again from risk_assessed or
 *   risk_characterised returns to risk_assessed and drops the old characterisation (the
 *   steps keep the history); characterising again is allowed.
 * - Characterising needs an assessment first: only risk_assessed/risk_characterised allow it.
 * - A discarded or closed alert may be reopened (→ open); the outcome, closing time and any
 *   declared end are cleared, the risk assessment is kept, the escalation clock restarts.
 * - The end of an outbreak is declared on a closed alert whose outcome is
 *   outbreak_confirmed_ended, once; the status stays closed (guard below).
 * - An alert merged into another by grouping takes no action: the other one is worked.
 */
const TABLE: Readonly<Record<LifecycleStatus, Partial<Record<ActionType, LifecycleStatus>>>> = {
  open: { verify: 'verified', discard: 'discarded', monitor: 'monitoring' },
  monitoring: { verify: 'verified', discard: 'discarded' },
  verified: { assess_risk: 'risk_assessed', close: 'closed' },
  risk_assessed: { assess_risk: 'risk_assessed', characterise_risk: 'risk_characterised', close: 'closed' },
  risk_characterised: { assess_risk: 'risk_assessed', characterise_risk: 'risk_characterised', close: 'closed' },
  discarded: { reopen: 'open' },
  closed: { reopen: 'open', declare_outbreak_end: 'closed' },
};

/** Who acts and when: the Principal's username and an ISO instant, passed in. */
export interface TransitionContext {
  readonly actor: string;
  readonly at: string;
}

export type TransitionResult =
  | { ok: true; alert: LifecycleAlert; step: LifecycleStep }
  | { ok: false; code: 'TRANSITION_FORBIDDEN'; message: string; status: LifecycleStatus; allowed: ActionType[] };

/** Why an action in the table is still refused for this alert, or null when it is not. */
function guard(alert: LifecycleAlert, action: ActionType): string | null {
  if (alert.merged_into !== null) return `it was merged into alert ${alert.merged_into}`;
  if (action === 'declare_outbreak_end') {
    if (alert.outcome?.outcome !== 'outbreak_confirmed_ended') {
      return `the end of an outbreak is declared only on an alert closed as outbreak_confirmed_ended (this one: ${alert.outcome?.outcome ?? 'none'})`;
    }
    if (alert.outbreak_end !== null) return `the end of this outbreak was already declared at ${alert.outbreak_end.at}`;
  }
  return null;
}

/** The actions this alert allows now, in ACTION_TYPES order (for buttons and error messages). */
export function allowedActions(alert: LifecycleAlert): ActionType[] {
  return ACTION_TYPES.filter((a) => TABLE[alert.status][a] !== undefined && guard(alert, a) === null);
}

/**
 * Applies one lifecycle action. Pure: the actor and time are passed in; the caller stores
 * the next alert and the step (the audit row) together, and refuses with the message when
 * `ok` is false. The action is expected to have passed `lifecycleActionSchema`.
 */
export function transition(alert: LifecycleAlert, action: LifecycleAction, ctx: TransitionContext): TransitionResult {
  const to = TABLE[alert.status][action.type];
  const allowed = allowedActions(alert);
  if (to === undefined || !allowed.includes(action.type)) {
    const why = to === undefined ? '' : ` (${guard(alert, action.type)})`;
    const list = allowed.length > 0 ? allowed.join(', ') : 'none';
    return {
      ok: false,
      code: 'TRANSITION_FORBIDDEN',
      message: `alert ${alert.id} is ${alert.status}: ${action.type} is not allowed${why}; allowed: ${list}`,
      status: alert.status,
      allowed,
    };
  }
  const { type, notes, ...details } = { notes: undefined, ...action };
  const next: LifecycleAlert = { ...apply(alert, action, ctx), status: to, updated_at: ctx.at, version: alert.version + 1 };
  const extra = action.type === 'characterise_risk' ? { level: riskLevel(action.likelihood, action.consequence) } : {};
  const step: LifecycleStep = {
    alert_id: alert.id,
    from: alert.status,
    to,
    action: type,
    actor: ctx.actor,
    at: ctx.at,
    version: next.version,
    notes: notes ?? null,
    details: { ...details, ...extra },
  };
  return { ok: true, alert: next, step };
}

/** The fields an allowed action changes, apart from status, updated_at and version. */
function apply(alert: LifecycleAlert, action: LifecycleAction, ctx: TransitionContext): LifecycleAlert {
  const stamp = { actor: ctx.actor, at: ctx.at };
  switch (action.type) {
    case 'verify':
    case 'monitor':
      return alert;
    case 'discard':
      return { ...alert, closed_at: ctx.at };
    case 'assess_risk':
      return {
        ...alert,
        risk: {
          assessment: { hazard: action.hazard, exposure: action.exposure, context: action.context, ...stamp },
          characterisation: null,
        },
      };
    case 'characterise_risk': {
      const { likelihood, consequence } = action;
      return {
        ...alert,
        risk: { ...alert.risk, characterisation: { likelihood, consequence, level: riskLevel(likelihood, consequence), ...stamp } },
      };
    }
    case 'close':
      return { ...alert, closed_at: ctx.at, outcome: { outcome: action.outcome, notes: action.notes ?? '', ...stamp } };
    case 'reopen':
      // Open again: the escalation clock restarts from the reopening.
      return { ...alert, closed_at: null, outcome: null, outbreak_end: null, level_since: ctx.at };
    case 'declare_outbreak_end':
      return { ...alert, outbreak_end: { notes: action.notes ?? '', ...stamp } };
  }
}
