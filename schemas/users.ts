import { z } from 'zod';
import { jurisdictionSchema, LANGS, ROLES } from './access.ts';

/** Usernames: lower-case letters, digits, `.`, `_`, `-`, `@` (an e-mail address fits); 2–64 characters, starting with a letter or digit. */
export const usernameSchema = z
  .string({ message: 'is required (2–64 characters: a-z 0-9 . _ - @)' })
  .regex(/^[a-z0-9][a-z0-9._@-]{1,63}$/, 'must be 2–64 characters of a-z, 0-9, ".", "_", "-", "@", starting with a letter or digit');

/** A user as the admin API (`POST /v1/admin/users`) and `ews users add` take it. */
export const newUserSchema = z.strictObject({
  username: usernameSchema,
  role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }),
  /** Default national. */
  jurisdiction: jurisdictionSchema.default({ level: 'national' }),
  email: z.email({ message: 'must be an e-mail address' }).max(254).optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 .-]{6,20}$/, 'must be a phone number (digits, spaces, dots, dashes, optional +)')
    .optional(),
  lang: z.enum(LANGS, { message: `must be one of ${LANGS.join(', ')}` }).default('vi'),
  /** Unset → a password is generated and answered once. */
  password: z.string().optional(),
});

export type NewUserInput = z.output<typeof newUserSchema>;
