/**
 * R `control` lists of `glrnb` and `cusum` reference cases → our control objects (see
 * r-controls.ts for the conventions: absent or null means R's default).
 */
import type { CusumControl, CusumTransform } from '../algorithms/cusum.ts';
import { invalidField } from '../algorithms/errors.ts';
import type { GlrnbControl } from '../algorithms/glrnb.ts';
import type { GlrnbBaselineModel } from '../algorithms/glrnb-baseline.ts';
import { asArray, asBoolean, asControl, asNumber, asObject, asString, rejectUnknownKeys, type JsonObject } from './json-fields.ts';

const present = (obj: JsonObject, key: string): boolean => obj[key] !== undefined && obj[key] !== null;

/** An R choice argument: a string, or R's default vector of choices (match.arg takes the first). */
function choice<T extends string>(allowed: readonly T[]): (v: unknown, path: string) => T {
  return (v, path) => {
    const s = Array.isArray(v) ? asString(v[0], `${path}[0]`) : asString(v, path);
    if (!(allowed as readonly string[]).includes(s)) throw invalidField(path, `must be one of ${allowed.join(', ')}`);
    return s as T;
  };
}

function numbers(v: unknown, path: string): number[] {
  return asArray(v, path).map((x, i) => asNumber(x, `${path}[${i}]`));
}

function baselineModel(v: unknown): GlrnbBaselineModel {
  const o = asObject(v, 'control.mu0');
  rejectUnknownKeys(o, ['S', 'trend', 'refit'], 'control.mu0');
  return {
    ...(present(o, 'S') ? { S: asNumber(o['S'], 'control.mu0.S', { integer: true, min: 0 }) } : {}),
    ...(present(o, 'trend') ? { trend: asBoolean(o['trend'], 'control.mu0.trend') } : {}),
    ...(present(o, 'refit') ? { refit: asBoolean(o['refit'], 'control.mu0.refit') } : {}),
  };
}

/** control of R's `glrnb` (c.ARL is our cARL). */
export function parseGlrnbControl(value: unknown): GlrnbControl {
  const c = asControl(value, 'control');
  const keys = ['c.ARL', 'mu0', 'alpha', 'Mtilde', 'M', 'change', 'theta', 'dir', 'ret', 'xMax'];
  rejectUnknownKeys(c, keys, 'control');
  const num = (key: string, rule?: { integer?: boolean; min?: number }) =>
    present(c, key) ? asNumber(c[key], `control.${key}`, rule) : undefined;
  const out: { -readonly [K in keyof GlrnbControl]: GlrnbControl[K] } = {};
  const cARL = num('c.ARL');
  if (cARL !== undefined) out.cARL = cARL;
  if (present(c, 'mu0')) out.mu0 = Array.isArray(c['mu0']) ? numbers(c['mu0'], 'control.mu0') : baselineModel(c['mu0']);
  const alpha = num('alpha', { min: 0 });
  if (alpha !== undefined) out.alpha = alpha;
  const Mtilde = num('Mtilde', { integer: true, min: 1 });
  if (Mtilde !== undefined) out.Mtilde = Mtilde;
  const M = num('M', { integer: true, min: -1 });
  if (M !== undefined) out.M = M;
  const theta = num('theta');
  if (theta !== undefined) out.theta = theta;
  const xMax = num('xMax', { min: 0 });
  if (xMax !== undefined) out.xMax = xMax;
  if (present(c, 'change')) out.change = choice(['intercept', 'epi'] as const)(c['change'], 'control.change');
  if (present(c, 'dir')) out.dir = choice(['inc', 'dec'] as const)(c['dir'], 'control.dir');
  if (present(c, 'ret')) out.ret = choice(['value', 'cases'] as const)(c['ret'], 'control.ret');
  return out;
}

const TRANSFORMS: readonly CusumTransform[] = ['standard', 'rossi', 'anscombe', 'anscombe2nd', 'pearsonNegBin', 'anscombeNegBin', 'none'];

/** control of R's `cusum`. */
export function parseCusumControl(value: unknown): CusumControl {
  const c = asControl(value, 'control');
  rejectUnknownKeys(c, ['k', 'h', 'm', 'trans', 'alpha'], 'control');
  const out: { -readonly [K in keyof CusumControl]: CusumControl[K] } = {};
  if (present(c, 'k')) out.k = asNumber(c['k'], 'control.k');
  if (present(c, 'h')) out.h = asNumber(c['h'], 'control.h');
  if (present(c, 'alpha')) out.alpha = asNumber(c['alpha'], 'control.alpha', { min: 0 });
  if (present(c, 'trans')) out.trans = choice(TRANSFORMS)(c['trans'], 'control.trans');
  const m = c['m'];
  if (m === 'glm') out.m = 'glm';
  else if (Array.isArray(m)) out.m = m.length === 1 ? asNumber(m[0], 'control.m[0]') : numbers(m, 'control.m');
  else if (present(c, 'm')) out.m = asNumber(m, 'control.m');
  return out;
}
