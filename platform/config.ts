import { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * Parses the environment with a zod schema once, at start-up, and freezes the result.
 * A bad value stops start-up with a message naming the variable and why it is wrong.
 * Only this module reads `process.env` (the composition root passes it in).
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): Readonly<z.output<S>> {
  // Empty strings mean "not set": shells and .env files often export VAR= to clear a value.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AppError('CONFIG_INVALID', `Invalid configuration / Cấu hình không hợp lệ:\n${lines.join('\n')}`, {
      details: result.error.issues.map((i) => ({ variable: i.path.join('.'), message: i.message })),
    });
  }
  return Object.freeze(result.data);
}

/** Integer environment value with bounds. */
export const envInt = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

/** Float environment value with bounds. */
export const envNumber = (def: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(def);

/** Boolean environment value: true/false/1/0/yes/no. */
export const envBool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
