import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** What the test provider knows: one confidential client and some accounts with their claims. */
export interface TestProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Claims of each account by its id (also its `sub`); the login form accepts any password. */
  accounts: Record<string, Record<string, unknown>>;
}

export interface TestProvider {
  /** The issuer identifier, http://127.0.0.1:<port>. */
  issuer: string;
  /** What the provider wrote on stderr (its server errors), for failure messages. */
  stderr: () => string;
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./oidc-provider-process.mjs', import.meta.url));

/** Starts a real oidc-provider in a child process on 127.0.0.1 and a free port; resolves once it listens. */
export async function startOidcProvider(options: TestProviderOptions): Promise<TestProvider> {
  // stdin stays open: the child exits when it closes, so a test process that dies leaves no provider behind.
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const issuer = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`oidc-provider did not start in 20 s: ${stderr}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l, i, all) => i < all.length - 1 && l.startsWith('{"issuer":'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { issuer: string }).issuer);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`oidc-provider exited with ${code}: ${stderr}`));
    });
  });
  return { issuer, stderr: () => stderr, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A port free on 127.0.0.1 right now (the test app must know its callback URL before the provider starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A browser without a browser: fetch with one cookie jar per host (names only; paths and
 * expiry beyond deletion are not needed here) and redirects handed back to the caller.
 */
export class CookieBrowser {
  readonly jar = new Map<string, Map<string, string>>();

  async get(url: string | URL): Promise<Response> {
    return this.request(new URL(url), { method: 'GET' });
  }

  async postForm(url: string | URL, form: Record<string, string>): Promise<Response> {
    return this.request(new URL(url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  setCookie(host: string, name: string, value: string | undefined): void {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    if (value === undefined) cookies.delete(name);
    else cookies.set(name, value);
    this.jar.set(host, cookies);
  }

  private async request(url: URL, init: RequestInit): Promise<Response> {
    const cookies = [...(this.jar.get(url.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), ...(cookies ? { cookie: cookies } : {}) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      this.setCookie(url.host, name, expired || value === '' ? undefined : value);
    }
    return res;
  }
}

/** Where a redirect answer points, resolved against the URL asked. */
export function locationOf(res: Response, base: string | URL): URL {
  const location = res.headers.get('location');
  if (!location) throw new Error(`expected a redirect, got ${res.status}`);
  return new URL(location, base);
}

/**
 * Drives the provider's development interactions from the authorization URL until the
 * provider redirects to `callbackPrefix`: signs in as `accountId` (any password) and consents,
 * or aborts at the login form (the provider then answers error=access_denied). Returns the
 * callback URL, not yet visited.
 */
export async function completeAtProvider(
  browser: CookieBrowser,
  authorizationUrl: URL,
  callbackPrefix: string,
  action: { accountId: string } | { abort: true },
): Promise<URL> {
  let url = authorizationUrl;
  for (let step = 0; step < 20; step++) {
    if (url.href.startsWith(callbackPrefix)) return url;
    const res = await browser.get(url);
    if (res.status >= 300 && res.status < 400) {
      url = locationOf(res, url);
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`provider answered ${res.status} at ${url.pathname}: ${html.slice(0, 500)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action_ = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action_) throw new Error(`no form at ${url.pathname}: ${html.slice(0, 500)}`);
    const formUrl = new URL(action_.replace(/&amp;/g, '&'), url);
    let posted: Response;
    if (prompt === 'login' && 'abort' in action) {
      posted = await browser.get(new URL(`${formUrl.pathname}/abort`, url));
    } else if (prompt === 'login' && 'accountId' in action) {
      posted = await browser.postForm(formUrl, { prompt: 'login', login: action.accountId, password: 'any' });
    } else if (prompt === 'consent') {
      posted = await browser.postForm(formUrl, { prompt: 'consent' });
    } else throw new Error(`unexpected interaction '${prompt}' at ${url.pathname}`);
    url = locationOf(posted, formUrl);
  }
  throw new Error('the provider did not redirect back within 20 steps');
}
