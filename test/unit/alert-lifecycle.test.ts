import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowedActions, transition } from '../../alerts/lifecycle.ts';
import {
  ACTION_TYPES,
  CONSEQUENCES,
  LIFECYCLE_STATUSES,
  LIKELIHOODS,
  RISK_LEVELS,
  lifecycleActionSchema,
  lifecycleAlertSchema,
  riskLevel,
  type ActionType,
  type LifecycleAction,
  type LifecycleAlert,
  type LifecycleStatus,
} from '../../schemas/alert-lifecycle.ts';

const ctx = { actor: 'officer.bn', at: '2026-07-10T08:00:00.000Z' };

const base: LifecycleAlert = {
  id: 'A1',
  criterion: 'dengue|commune:07774',
  family: 'dengue',
  area: { level: 'commune', code: '07774', communes: ['07774'] },
  first_day: '2026-07-03',
  last_day: '2026-07-05',
  level: 'red',
  level_since: '2026-07-03T01:00:00.000Z',
  status: 'open',
  evidence: [],
  risk: { assessment: null, characterisation: null },
  outcome: null,
  outbreak_end: null,
  closed_at: null,
  merged_into: null,
  opened_at: '2026-07-03T01:00:00.000Z',
  updated_at: '2026-07-05T01:00:00.000Z',
  version: 3,
};

const assessment = { hazard: 'DENV-2', exposure: '4 communes, 180k people', context: 'rainy season', actor: 'x', at: 'y' };
const characterisation = { likelihood: 'likely', consequence: 'moderate', level: 'high', actor: 'x', at: 'y' } as const;
const outcomeOf = (outcome: 'outbreak_confirmed_ended' | 'no_outbreak') => ({ outcome, notes: '', actor: 'x', at: 'y' });

/** One alert per status (the states a real alert reaches), plus the closed variants the guards tell apart. */
const STATES: Record<string, LifecycleAlert> = {
  open: base,
  monitoring: { ...base, status: 'monitoring' },
  verified: { ...base, status: 'verified' },
  risk_assessed: { ...base, status: 'risk_assessed', risk: { assessment, characterisation: null } },
  risk_characterised: { ...base, status: 'risk_characterised', risk: { assessment, characterisation } },
  discarded: { ...base, status: 'discarded', closed_at: 'y' },
  'closed (no outbreak)': { ...base, status: 'closed', closed_at: 'y', outcome: outcomeOf('no_outbreak') },
  'closed (outbreak confirmed)': { ...base, status: 'closed', closed_at: 'y', outcome: outcomeOf('outbreak_confirmed_ended') },
  'closed (end declared)': {
    ...base,
    status: 'closed',
    closed_at: 'y',
    outcome: outcomeOf('outbreak_confirmed_ended'),
    outbreak_end: { notes: '', actor: 'x', at: 'z' },
  },
  'merged (open)': { ...base, status: 'closed', closed_at: 'y', merged_into: 'A0' },
};

const ACTIONS: Record<ActionType, LifecycleAction> = {
  verify: { type: 'verify', notes: 'called the hospital: 6 NS1+' },
  discard: { type: 'discard', notes: 'duplicate upload' },
  monitor: { type: 'monitor' },
  assess_risk: { type: 'assess_risk', hazard: 'DENV', exposure: 'school', context: 'rainy season' },
  characterise_risk: { type: 'characterise_risk', likelihood: 'highly_likely', consequence: 'major' },
  close: { type: 'close', outcome: 'outbreak_confirmed_ended', notes: 'vector control done' },
  reopen: { type: 'reopen', reason: 'new cases' },
  declare_outbreak_end: { type: 'declare_outbreak_end', notes: 'two incubation periods without a case' },
};

/** The specification, written out independently of the implementation's table. */
const EXPECTED: Record<string, Partial<Record<ActionType, LifecycleStatus>>> = {
  open: { verify: 'verified', discard: 'discarded', monitor: 'monitoring' },
  monitoring: { verify: 'verified', discard: 'discarded' },
  verified: { assess_risk: 'risk_assessed', close: 'closed' },
  risk_assessed: { assess_risk: 'risk_assessed', characterise_risk: 'risk_characterised', close: 'closed' },
  risk_characterised: { assess_risk: 'risk_assessed', characterise_risk: 'risk_characterised', close: 'closed' },
  discarded: { reopen: 'open' },
  'closed (no outbreak)': { reopen: 'open' },
  'closed (outbreak confirmed)': { reopen: 'open', declare_outbreak_end: 'closed' },
  'closed (end declared)': { reopen: 'open' },
  'merged (open)': {},
};

const pairs = Object.keys(STATES).flatMap((state) => ACTION_TYPES.map((action) => [state, action] as const));

describe('alert lifecycle: every status × action', () => {
  it('covers every status', () => {
    expect(new Set(Object.values(STATES).map((a) => a.status))).toEqual(new Set(LIFECYCLE_STATUSES));
    expect(pairs).toHaveLength(Object.keys(STATES).length * ACTION_TYPES.length);
  });

  it.each(pairs)('%s × %s', (state, action) => {
    const alert = STATES[state]!;
    const to = EXPECTED[state]![action];
    const r = transition(alert, ACTIONS[action], ctx);
    if (to === undefined) {
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.code).toBe('TRANSITION_FORBIDDEN');
      expect(r.message).toContain(`is ${alert.status}`);
      expect(r.message).toContain(action);
      const allowed = ACTION_TYPES.filter((a) => EXPECTED[state]![a] !== undefined);
      expect(r.allowed).toEqual(allowed);
      expect(r.message).toContain(`allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'}`);
    } else {
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.alert.status).toBe(to);
      expect(r.alert.version).toBe(alert.version + 1);
      expect(r.alert.updated_at).toBe(ctx.at);
      expect(r.step).toMatchObject({ alert_id: 'A1', from: alert.status, to, action, actor: ctx.actor, at: ctx.at, version: 4 });
    }
  });

  it.each(Object.keys(STATES))('allowedActions(%s) matches the table', (state) => {
    expect(allowedActions(STATES[state]!)).toEqual(ACTION_TYPES.filter((a) => EXPECTED[state]![a] !== undefined));
  });

  it('a refusal says why when the table allows the action but a guard does not', () => {
    const r = transition(STATES['closed (no outbreak)']!, ACTIONS.declare_outbreak_end, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('outbreak_confirmed_ended (this one: no_outbreak)');
  });
});

describe('alert lifecycle: what each step records', () => {
  const run = (a: LifecycleAlert, ...actions: LifecycleAction[]) =>
    actions.reduce((cur, act) => {
      const r = transition(cur, act, ctx);
      if (!r.ok) throw new Error(r.message);
      return r.alert;
    }, a);

  it('risk characterisation stores the WHO matrix level, and the step carries it', () => {
    const r = transition(STATES.risk_assessed!, ACTIONS.characterise_risk, ctx);
    if (!r.ok) throw new Error(r.message);
    expect(r.alert.risk.characterisation).toEqual({ likelihood: 'highly_likely', consequence: 'major', level: 'very_high', ...ctx });
    expect(r.step.details).toEqual({ likelihood: 'highly_likely', consequence: 'major', level: 'very_high' });
  });

  it('assessing again drops the old characterisation', () => {
    const a = run(STATES.risk_characterised!, ACTIONS.assess_risk);
    expect(a.status).toBe('risk_assessed');
    expect(a.risk).toEqual({ assessment: { hazard: 'DENV', exposure: 'school', context: 'rainy season', ...ctx }, characterisation: null });
  });

  it('a full path to a declared end, then a reopen clearing outcome and end but keeping the assessment', () => {
    const closed = run(base, ACTIONS.verify, ACTIONS.assess_risk, ACTIONS.characterise_risk, ACTIONS.close, ACTIONS.declare_outbreak_end);
    expect(closed.status).toBe('closed');
    expect(closed.version).toBe(base.version + 5);
    expect(closed.closed_at).toBe(ctx.at);
    expect(closed.outcome).toEqual({ outcome: 'outbreak_confirmed_ended', notes: 'vector control done', ...ctx });
    expect(closed.outbreak_end).toEqual({ notes: 'two incubation periods without a case', ...ctx });
    const again = run(closed, ACTIONS.reopen);
    expect(again).toMatchObject({ status: 'open', outcome: null, outbreak_end: null, closed_at: null, level_since: ctx.at });
    expect(again.risk.assessment).not.toBeNull();
  });

  it('notes and other fields land in the step', () => {
    const r = transition(STATES.discarded!, ACTIONS.reopen, ctx);
    if (!r.ok) throw new Error(r.message);
    expect(r.step.notes).toBeNull();
    expect(r.step.details).toEqual({ reason: 'new cases' });
    const d = transition(base, ACTIONS.discard, ctx);
    if (!d.ok) throw new Error(d.message);
    expect(d.step.notes).toBe('duplicate upload');
    expect(d.alert.closed_at).toBe(ctx.at);
  });

  it('does not change the alert it was given', () => {
    const copy = structuredClone(base);
    transition(base, ACTIONS.verify, ctx);
    expect(base).toEqual(copy);
  });
});

describe('WHO risk matrix', () => {
  // Rows likelihood (almost certain → very unlikely), columns consequence (minimal → severe).
  const WHO = [
    ['moderate', 'high', 'high', 'very_high', 'very_high'],
    ['moderate', 'moderate', 'high', 'very_high', 'very_high'],
    ['low', 'moderate', 'high', 'high', 'very_high'],
    ['low', 'low', 'moderate', 'high', 'high'],
    ['low', 'low', 'low', 'moderate', 'high'],
  ];
  const cells = LIKELIHOODS.flatMap((l, i) => CONSEQUENCES.map((c, j) => [l, c, WHO[i]![j]!] as const));
  it.each(cells)('%s × %s → %s', (l, c, level) => expect(riskLevel(l, c)).toBe(level));

  it('never lowers the risk as likelihood or consequence grows', () => {
    const rank = (l: (typeof LIKELIHOODS)[number], c: (typeof CONSEQUENCES)[number]) => RISK_LEVELS.indexOf(riskLevel(l, c));
    for (let i = 1; i < LIKELIHOODS.length; i++)
      for (const c of CONSEQUENCES) expect(rank(LIKELIHOODS[i - 1]!, c)).toBeGreaterThanOrEqual(rank(LIKELIHOODS[i]!, c));
    for (const l of LIKELIHOODS)
      for (let j = 1; j < CONSEQUENCES.length; j++) expect(rank(l, CONSEQUENCES[j]!)).toBeGreaterThanOrEqual(rank(l, CONSEQUENCES[j - 1]!));
  });
});

describe('action input schemas', () => {
  it.each([
    ['close without an outcome', { type: 'close' }, false],
    ['close with an unknown outcome', { type: 'close', outcome: 'resolved' }, false],
    ['close, outcome other, no notes', { type: 'close', outcome: 'other' }, false],
    ['close, outcome other, blank notes', { type: 'close', outcome: 'other', notes: '  ' }, false],
    ['close, outcome other, with notes', { type: 'close', outcome: 'other', notes: 'handed to the province' }, true],
    ['close, no outbreak', { type: 'close', outcome: 'no_outbreak' }, true],
    ['assess without exposure', { type: 'assess_risk', hazard: 'h', context: 'c' }, false],
    ['assess with a blank hazard', { type: 'assess_risk', hazard: ' ', exposure: 'e', context: 'c' }, false],
    ['assess', { type: 'assess_risk', hazard: 'h', exposure: 'e', context: 'c' }, true],
    ['characterise, bad likelihood', { type: 'characterise_risk', likelihood: 'possible', consequence: 'minor' }, false],
    ['characterise', { type: 'characterise_risk', likelihood: 'unlikely', consequence: 'minor' }, true],
    ['reopen without a reason', { type: 'reopen' }, false],
    ['reopen', { type: 'reopen', reason: 'new cases' }, true],
    ['verify with an unknown field', { type: 'verify', level: 'red' }, false],
    ['an unknown action', { type: 'escalate' }, false],
    ['declare the end', { type: 'declare_outbreak_end' }, true],
  ])('%s', (_name, input, ok) => {
    expect(lifecycleActionSchema.safeParse(input).success).toBe(ok);
  });
});

describe('alert lifecycle: any sequence of actions (fast-check)', () => {
  it('keeps the alert valid and its invariants: closed has an outcome, characterised has an assessment, an end only after outbreak_confirmed_ended', () => {
    const anyAction = fc.constantFrom(...Object.values(ACTIONS), { type: 'close', outcome: 'no_outbreak' } as const);
    fc.assert(
      fc.property(fc.array(anyAction, { maxLength: 30 }), (actions) => {
        let a = base;
        let applied = 0;
        for (const act of actions) {
          const r = transition(a, act, ctx);
          expect(r.ok).toBe(allowedActions(a).includes(act.type));
          if (!r.ok) continue;
          a = r.alert;
          applied++;
          expect(lifecycleAlertSchema.parse(a)).toEqual(a);
          expect(a.status === 'closed').toBe(a.outcome !== null);
          expect(a.status === 'closed' || a.status === 'discarded').toBe(a.closed_at !== null);
          if (a.status === 'risk_characterised') expect(a.risk.characterisation).not.toBeNull();
          if (a.risk.characterisation !== null) expect(a.risk.assessment).not.toBeNull();
          if (a.outbreak_end !== null) expect(a.outcome?.outcome).toBe('outbreak_confirmed_ended');
        }
        expect(a.version).toBe(base.version + applied);
      }),
      { numRuns: 300 },
    );
  });
});
