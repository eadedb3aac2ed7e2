import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, CSRF_HEADER } from '../../../access/authenticate.ts';
import { hashPassword } from '../../../access/passwords.ts';
import { registerSessionRoutes } from '../../../access/session-routes.ts';
import { groupEvidence } from '../../../alerts/grouping.ts';
import { transition } from '../../../alerts/lifecycle.ts';
import { registerAlertLifecycleRoutes } from '../../../alerts/lifecycle-routes.ts';
import { createHttpBase } from '../../../platform/http.ts';
import { createLogger } from '../../../platform/logger.ts';
import type { OperationalStore } from '../../../platform/operational-store.ts';
import type { NewUser } from '../../../storage/users.ts';
import { createAlertLifecycleStore, type AlertLifecycleStore } from '../../../storage/alert-lifecycle.ts';
import { createAuditStore } from '../../../storage/audit.ts';
import { createSessionStore } from '../../../storage/sessions.ts';
import { createUserStore } from '../../../storage/users.ts';
import { ev, province, provinceOf } from '../../helpers/alert-evidence.ts';
import { openMigrated, pgliteBackend, serverAnswers, serverBackend } from './backends.ts';

const pglite = pgliteBackend();
afterAll(() => pglite.cleanup());
const hasServer = await serverAnswers();

const T0 = Date.parse('2026-07-03T02:00:00Z');
const at = (ms = 0) => new Date(T0 + ms).toISOString();

const PASSWORD = 'correct horse battery';
const PEOPLE: NewUser[] = [
  { username: 'bn.officer', role: 'officer', jurisdiction: { level: 'province', province: '24' } },
  { username: 'xa.officer', role: 'officer', jurisdiction: { level: 'communes', communes: ['07777'] } },
  { username: 'hy.officer', role: 'officer', jurisdiction: { level: 'province', province: '33' } },
  { username: 'epi', role: 'epidemiologist', jurisdiction: { level: 'national' } },
];

type Body = Record<string, unknown>;
interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> | null };
}

describe.each([
  { backend: pglite, run: true },
  { backend: serverBackend(), run: hasServer },
])('alert lifecycle routes on $backend.name', ({ backend, run }) => {
  let db: OperationalStore;
  let app: FastifyInstance;
  let store: AlertLifecycleStore;
  const tokens: Record<string, string> = {};
  let now = T0;
  const clock = { now: () => now };

  beforeAll(async () => {
    if (!run) return;
    db = await openMigrated(backend);
    const users = createUserStore(db, clock);
    const passwordHash = await hashPassword(PASSWORD);
    for (const u of PEOPLE) {
      await users.add({ ...u, passwordHash });
      tokens[u.username] = (await users.issueToken(u.username)).token;
    }
    const sessions = createSessionStore(db, clock);
    const authenticator = createAuthenticator({
      users,
      sessions,
      clock,
      adminToken: undefined,
      sessionTtlMs: 3_600_000,
      sessionIdleMs: 1_800_000,
      cookieSecure: false,
    });
    store = createAlertLifecycleStore({ db, clock, decide: transition, provinceOf });
    // A1: commune 07774 (Bắc Ninh); A2: the province 24 naming commune 07777; A3: commune 11001 (Hưng Yên).
    let n = 0;
    const newId = () => `A${++n}`;
    for (const e of [
      ev({ area_code: '07774' }),
      province('24', '2026-06-29'),
      ev({ area_code: '11001', series: 'measles', level: 'red' }),
    ]) {
      const r = groupEvidence([e], [], { provinceOf }, { at: at(), newId });
      await store.applyGrouping(r.changes);
    }
    // The province alert gains commune 07777 (a commune item joins it).
    const joined = groupEvidence([ev({ area_code: '07777' })], await store.relevant(at()), { provinceOf }, { at: at(), newId });
    expect(joined.changes.map((c) => [c.alert.id, c.alert.area.communes])).toEqual([['A2', ['07777']]]);
    await store.applyGrouping(joined.changes);
    app = createHttpBase({
      logger: createLogger({ level: 'silent' }),
      metrics: new Registry(),
      bodyLimit: 1 << 20,
      health: () => Promise.resolve({}),
      metricsAccess: 'elsewhere',
    });
    registerSessionRoutes(app, { authenticator, users, sessions, clock, metrics: new Registry() });
    registerAlertLifecycleRoutes(app, { authenticate: (req) => authenticator.authenticate(req), store, provinceOf });
    await app.ready();
  });
  afterAll(async () => {
    if (!run) return;
    await app.close();
    await db.close();
  });

  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
  const get = (who: string, url: string) => app.inject({ method: 'GET', url, headers: as(who) });
  const act = (who: string, id: string, payload: Body) => {
    now += 60_000;
    return app.inject({ method: 'POST', url: `/v1/alerts/${id}/actions`, headers: as(who), payload });
  };

  it.runIf(run)('an officer inside acts (200, the new alert); the step and audit row are stored', async () => {
    const res = await act('bn.officer', 'A1', { type: 'verify', notes: 'xác minh tại trạm y tế', version: 1 });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ alert: Body; allowed_actions: string[] }>();
    expect(body.alert).toMatchObject({ id: 'A1', status: 'verified', version: 2 });
    expect(body.allowed_actions).toEqual(['assess_risk', 'close']);
    const one = await get('bn.officer', '/v1/alerts/A1');
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      alert: { id: 'A1', status: 'verified', evidence: [{ algorithm: 'ears_c2', area_code: '07774' }] },
      allowed_actions: ['assess_risk', 'close'],
      steps: [{ from: 'open', to: 'verified', action: 'verify', actor: 'bn.officer', notes: 'xác minh tại trạm y tế', version: 2 }],
    });
  });

  it.runIf(run)('an officer outside gets 403 (bilingual) to read and to act, and the inbox leaves the alert out', async () => {
    for (const res of [
      await get('hy.officer', '/v1/alerts/A1'),
      await act('hy.officer', 'A1', { type: 'assess_risk', hazard: 'h', exposure: 'e', context: 'c' }),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json<ErrorBody>().error).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/outside your jurisdiction.*ngoài địa bàn/),
      });
    }
    expect((await store.get('A1'))?.status).toBe('verified');
    const inbox = await get('hy.officer', '/v1/alert-inbox');
    expect(inbox.json<{ alerts: Body[] }>().alerts.map((a) => a.id)).toEqual(['A3']);
    // A commune officer sees the province alert naming their commune, and nothing else of the province.
    expect((await get('xa.officer', '/v1/alert-inbox')).json<{ alerts: Body[] }>().alerts.map((a) => a.id)).toEqual(['A2']);
    expect((await get('xa.officer', '/v1/alerts/A2')).statusCode).toBe(200);
    expect((await get('xa.officer', '/v1/alerts/A1')).statusCode).toBe(403);
    expect((await get('bn.officer', '/v1/alert-inbox')).json<{ alerts: Body[] }>().alerts.map((a) => a.id)).toEqual(['A2', 'A1']);
  });

  it.runIf(run)('an epidemiologist reads everything, with no actions offered, and may not act (403)', async () => {
    const one = await get('epi', '/v1/alerts/A1');
    expect(one.statusCode).toBe(200);
    expect(one.json<{ allowed_actions: string[] }>().allowed_actions).toEqual([]);
    const res = await act('epi', 'A1', { type: 'assess_risk', hazard: 'h', exposure: 'e', context: 'c' });
    expect(res.statusCode).toBe(403);
    expect(res.json<ErrorBody>().error).toMatchObject({
      code: 'FORBIDDEN',
      details: { permission: 'work:alerts', role: 'epidemiologist' },
    });
    expect((await store.get('A1'))?.version).toBe(2);
    expect((await app.inject({ method: 'GET', url: '/v1/alerts/A1' })).statusCode).toBe(401);
    const missing = await get('epi', '/v1/alerts/A404');
    expect([missing.statusCode, missing.json<ErrorBody>().error.code]).toEqual([404, 'NOT_FOUND']);
  });

  it.runIf(run)('a forbidden transition is 409 naming the allowed actions; a stale version is 409 CONFLICT', async () => {
    const res = await act('bn.officer', 'A1', { type: 'reopen', reason: 'test' });
    expect(res.statusCode).toBe(409);
    expect(res.json<ErrorBody>().error).toMatchObject({
      code: 'TRANSITION_FORBIDDEN',
      message: expect.stringContaining('allowed: assess_risk, close'),
      details: { status: 'verified', allowed: ['assess_risk', 'close'] },
    });
    const old = await act('bn.officer', 'A1', { type: 'close', outcome: 'no_outbreak', version: 1 });
    expect(old.statusCode).toBe(409);
    expect(old.json<ErrorBody>().error).toMatchObject({ code: 'CONFLICT', details: { expected_version: 1, current_version: 2 } });
    expect((await store.get('A1'))?.status).toBe('verified');
  });

  it.runIf(run)('a bad action input is 400 naming the field', async () => {
    const cases: [Body, string][] = [
      [{ type: 'assess_risk', hazard: 'dengue', exposure: 'school' }, 'context'],
      [{ type: 'characterise_risk', likelihood: 'maybe', consequence: 'minor' }, 'likelihood'],
      [{ type: 'close', outcome: 'other' }, 'notes'],
      [{ type: 'fly' }, 'type'],
      [{ type: 'verify', version: 'two' }, 'version'],
      [{ type: 'verify', colour: 'red' }, '(body)'],
    ];
    for (const [payload, field] of cases) {
      const res = await act('bn.officer', 'A1', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const error = res.json<ErrorBody>().error;
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details?.field, JSON.stringify(payload)).toBe(field);
      expect(error.message).toMatch(/không hợp lệ/);
    }
    const q = await get('bn.officer', '/v1/alert-inbox?status=open,shut');
    expect(q.statusCode).toBe(400);
    expect(q.json<ErrorBody>().error).toMatchObject({ code: 'BAD_QUERY', details: { field: 'status.1' } });
    expect((await store.get('A1'))?.version).toBe(2);
  });

  it.runIf(run)('the inbox filters and pages', async () => {
    const ids = async (qs: string, who = 'epi') =>
      (await get(who, `/v1/alert-inbox?${qs}`)).json<{ alerts: Body[] }>().alerts.map((a) => a.id);
    expect(await ids('')).toEqual(['A3', 'A2', 'A1']);
    expect(await ids('status=open')).toEqual(['A3', 'A2']);
    expect(await ids('level=red')).toEqual(['A3']);
    expect(await ids('syndrome=measles')).toEqual(['A3']);
    expect(await ids('area=07777')).toEqual(['A2']);
    expect(await ids('from=2026-07-04')).toEqual(['A2']);
    expect(await ids('to=2026-06-30')).toEqual(['A2']);
    expect(await ids('area=33', 'bn.officer')).toEqual([]);
    const page = (await get('epi', '/v1/alert-inbox?limit=2')).json<{ alerts: Body[]; next_cursor: string }>();
    expect(page.alerts.map((a) => a.id)).toEqual(['A3', 'A2']);
    const rest = (await get('epi', `/v1/alert-inbox?limit=2&cursor=${page.next_cursor}`)).json<{ alerts: Body[]; next_cursor: null }>();
    expect([rest.alerts.map((a) => a.id), rest.next_cursor]).toEqual([['A1'], null]);
  });

  it.runIf(run)(
    'the full EWARS path: verify → assess → characterise → close → declare the end, then reopen; each step audited',
    async () => {
      const path: [Body, string][] = [
        [{ type: 'assess_risk', hazard: 'DENV-2', exposure: 'school of 400 pupils', context: 'rainy season' }, 'risk_assessed'],
        [{ type: 'characterise_risk', likelihood: 'likely', consequence: 'moderate' }, 'risk_characterised'],
        [{ type: 'close', outcome: 'outbreak_confirmed_ended', notes: 'vector control done' }, 'closed'],
        [{ type: 'declare_outbreak_end', notes: 'two incubation periods without a case' }, 'closed'],
        [{ type: 'reopen', reason: 'new cases in the school' }, 'open'],
      ];
      let v = 2;
      for (const [payload, status] of path) {
        const res = await act('bn.officer', 'A1', { ...payload, version: v });
        expect(res.statusCode, JSON.stringify(res.json())).toBe(200);
        expect(res.json<{ alert: Body }>().alert).toMatchObject({ status, version: ++v });
      }
      const { alert, steps } = (await get('bn.officer', '/v1/alerts/A1')).json<{ alert: Body; steps: Body[] }>();
      expect(alert).toMatchObject({
        status: 'open',
        outcome: null,
        outbreak_end: null,
        closed_at: null,
        // Reopening keeps the risk assessment and characterisation (alerts/lifecycle.ts).
        risk: { assessment: { hazard: 'DENV-2' }, characterisation: { level: 'high', actor: 'bn.officer' } },
      });
      expect(steps.map((s) => [s.action, s.from, s.to, s.version])).toEqual([
        ['verify', 'open', 'verified', 2],
        ['assess_risk', 'verified', 'risk_assessed', 3],
        ['characterise_risk', 'risk_assessed', 'risk_characterised', 4],
        ['close', 'risk_characterised', 'closed', 5],
        ['declare_outbreak_end', 'closed', 'closed', 6],
        ['reopen', 'closed', 'open', 7],
      ]);
      expect(steps[2]!.details).toEqual({ likelihood: 'likely', consequence: 'moderate', level: 'high' });
      const audit = (await createAuditStore(db, clock).list({ target: 'A1', limit: 50 })).records.reverse();
      expect(audit.map((r) => [r.action, r.actor, r.actorRole, r.via, r.details.version])).toEqual([
        ['alert.verify', 'bn.officer', 'officer', 'user_token', 2],
        ['alert.assess_risk', 'bn.officer', 'officer', 'user_token', 3],
        ['alert.characterise_risk', 'bn.officer', 'officer', 'user_token', 4],
        ['alert.close', 'bn.officer', 'officer', 'user_token', 5],
        ['alert.declare_outbreak_end', 'bn.officer', 'officer', 'user_token', 6],
        ['alert.reopen', 'bn.officer', 'officer', 'user_token', 7],
      ]);
      expect(audit[0]!.clientAddress).toBe('127.0.0.1');
    },
  );

  it.runIf(run)('from the web page: a session cookie acts only with its CSRF token', async () => {
    const signIn = await app.inject({ method: 'POST', url: '/v1/session', payload: { username: 'bn.officer', password: PASSWORD } });
    expect(signIn.statusCode).toBe(200);
    const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = signIn.json<{ csrf_token: string }>().csrf_token;
    const post = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/v1/alerts/A2/actions',
        headers: { cookie, ...headers },
        payload: { type: 'verify', version: 2 },
      });
    const without = await post({});
    expect([without.statusCode, without.json<ErrorBody>().error.code]).toEqual([403, 'CSRF_FAILED']);
    expect((await store.get('A2'))?.status).toBe('open');
    const withToken = await post({ [CSRF_HEADER]: csrf });
    expect(withToken.statusCode).toBe(200);
    expect(withToken.json<{ alert: Body }>().alert).toMatchObject({ id: 'A2', status: 'verified', version: 3 });
    const audit = (await createAuditStore(db, clock).list({ target: 'A2', limit: 5 })).records;
    expect(audit.map((r) => [r.action, r.actor, r.via])).toEqual([['alert.verify', 'bn.officer', 'session']]);
  });
});
