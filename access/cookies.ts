/**
 * The one cookie this service sets, read and written by hand: its value is base64url (no
 * character needs encoding), and @fastify/cookie's parse/serialize work only once its plugin
 * has been registered on the app, which would tie the authenticator to registration order.
 */
export interface CookieOptions {
  httpOnly: boolean;
  sameSite: 'Strict';
  path: string;
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A Set-Cookie header value. */
export function setCookieHeader(name: string, value: string, o: CookieOptions): string {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) throw new Error('cookie values are base64url');
  const parts = [`${name}=${value}`, `Max-Age=${o.maxAge}`, `Path=${o.path}`, `SameSite=${o.sameSite}`];
  if (o.maxAge === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (o.httpOnly) parts.push('HttpOnly');
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}
