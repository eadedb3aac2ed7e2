// The web application's entry: the shell (sign-in, navigation, language switch, live
// updates) and the pages it routes to (pages/index.ts). Built by dashboards/web-bundle.ts.
import './zod-jitless.ts';
import { permits } from '../../../schemas/access.ts';
import {
  HttpError,
  type Lang,
  type LiveEvent,
  type Page,
  type PageContext,
  type SessionUser,
  type SyndromeDefinition,
  type Unit,
} from './contract.ts';
import { el } from './dom.ts';
import { LANGS, register, translate } from './i18n.ts';
import { pages } from './pages/index.ts';
import { shellMessages } from './shell.messages.ts';
import './app.css';

register(shellMessages);
for (const p of pages) register(p.messages);

// The language the switch chose (kept in this browser); without one, the signed-in user's own
// (the session's `lang`), and Vietnamese before anyone signed in.
const LANG_KEY = 'ews_lang';
const chosenLang = (): Lang | null => {
  const stored = localStorage.getItem(LANG_KEY) ?? '';
  return (LANGS as readonly string[]).includes(stored) ? (stored as Lang) : null;
};
let lang: Lang = chosenLang() ?? 'vi';
let csrfToken: string | null = sessionStorage.getItem('ews_csrf_token');
const t = (key: string, params?: Record<string, string | number>) => translate(lang, key, params);

async function httpError(res: Response): Promise<HttpError> {
  try {
    const body = (await res.json()) as { error?: { message?: string; code?: string } };
    if (body.error?.message) return new HttpError(res.status, body.error.message, body.error.code);
  } catch {
    // Not JSON: the status says it.
  }
  return new HttpError(res.status, `${res.status} ${res.statusText}`);
}

async function api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const headers: Record<string, string> = {};
  if (init?.body !== undefined) headers['content-type'] = 'application/json';
  if (init?.method && init.method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method: init?.method ?? 'GET',
    credentials: 'same-origin',
    headers,
    ...(init?.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (res.status === 401 && !path.startsWith('/v1/session')) {
    showSignIn();
    throw await httpError(res);
  }
  if (!res.ok) throw await httpError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const root = document.getElementById('app') ?? document.body.appendChild(el('div', { id: 'app' }));
let user: SessionUser | null = null;
let units: Unit[] = [];
let definitions: SyndromeDefinition[] = [];
let unmount: (() => void) | null = null;
const listeners = new Map<string, Set<(data: unknown) => void>>();
let live: EventSource | null = null;

function startLive(): void {
  live?.close();
  live = new EventSource('/v1/live');
  live.onmessage = (m: MessageEvent<string>) => {
    let e: LiveEvent;
    try {
      e = JSON.parse(m.data) as LiveEvent;
    } catch {
      return;
    }
    for (const fn of listeners.get(e.type) ?? []) fn(e.data);
  };
}

function context(u: SessionUser): PageContext {
  return {
    api,
    t,
    lang,
    user: u,
    units,
    can: (permission) => permits(u.role, permission),
    syndromeName: (id) => definitions.find((d) => d.id === id)?.name[lang] ?? id,
    areaName: (code) => {
      if (code.length === 2) return units.find((x) => x.province_code === code)?.province_name ?? code;
      return units.find((x) => x.code === code)?.name ?? code;
    },
    today: () => today || browserToday(),
    navigate,
    onLive(type, fn) {
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      set.add(fn);
      return () => set.delete(fn);
    },
  };
}

/** The switch's choice: kept in this browser over the user's own language from now on. */
function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
}

function visiblePages(u: SessionUser): Page[] {
  return pages.filter((p) => !p.permission || permits(u.role, p.permission));
}

function header(u: SessionUser, current: string): HTMLElement {
  const nav = el('nav', { class: 'nav', id: 'nav', 'aria-label': t('nav.label') });
  for (const p of visiblePages(u)) {
    const a = el('a', { href: `/${p.route}`, text: t(p.title), 'data-route': p.route });
    if (p.route === current) a.setAttribute('aria-current', 'page');
    a.addEventListener('click', (e) => {
      e.preventDefault();
      navigate(`/${p.route}`);
    });
    nav.append(a);
  }
  const langButton = el('button', { type: 'button', id: 'lang-switch', text: t('lang.switch') });
  langButton.addEventListener('click', () => {
    setLang(lang === 'vi' ? 'en' : 'vi');
    render();
  });
  const signOut = el('button', { type: 'button', id: 'signout', text: t('signout') });
  // On a narrow screen the navigation folds behind this button (app.css); wide, it is hidden.
  const menu = el('button', { type: 'button', id: 'menu-toggle', 'aria-expanded': 'false', 'aria-controls': 'nav', text: t('menu') });
  menu.addEventListener('click', () => {
    const open = menu.getAttribute('aria-expanded') !== 'true';
    menu.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
  signOut.addEventListener('click', () => {
    void api('/v1/session', { method: 'DELETE' }).finally(() => {
      csrfToken = null;
      sessionStorage.removeItem('ews_csrf_token');
      showSignIn();
    });
  });
  return el(
    'header',
    { class: 'top' },
    el('h1', {}, el('a', { href: '/', text: 'syndromic-ews' })),
    el('p', { class: 'sub', text: `${t('app.title')} — ${t('app.region')}` }),
    menu,
    nav,
    el(
      'p',
      { class: 'who', id: 'who' },
      el('span', { id: 'who-name', text: u.username }),
      ' · ',
      el('span', { id: 'who-role', text: t(`role.${u.role}`) }),
      ' ',
      langButton,
      ' ',
      signOut,
    ),
  );
}

/** The service's day, read at start and at each navigation (GET /v1/today); the browser's date until then. */
let today = '';
async function refreshToday(): Promise<void> {
  try {
    today = (await api<{ today: string }>('/v1/today')).today;
  } catch {
    // Keep the last one: the page still opens.
  }
}
const browserToday = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

function render(): void {
  unmount?.();
  unmount = null;
  if (!user) return;
  const segments = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const route = segments[0] ?? '';
  const page = pages.find((p) => p.route === route);
  const main = el('main', { id: 'page' });
  root.replaceChildren(header(user, route), main);
  if (!page) {
    main.append(el('p', { class: 'error', text: t('error.notfound') }));
    return;
  }
  if (page.permission && !permits(user.role, page.permission)) {
    main.append(el('p', { class: 'error', text: t('error.forbidden') }));
    return;
  }
  document.title = `${t(page.title)} · syndromic-ews`;
  document.documentElement.lang = lang;
  unmount = page.mount(main, context(user), {
    rest: segments.slice(1),
    query: new URLSearchParams(location.search),
  });
}

function navigate(path: string): void {
  history.pushState(null, '', path);
  void refreshToday().then(render);
}

function showSignIn(): void {
  unmount?.();
  unmount = null;
  user = null;
  live?.close();
  live = null;
  const username = el('input', { id: 'signin-username', name: 'username', autocomplete: 'username', required: true });
  const password = el('input', {
    id: 'signin-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const error = el('p', { id: 'signin-error', class: 'error', role: 'alert', hidden: true });
  const form = el(
    'form',
    { id: 'signin-form' },
    el('label', {}, t('signin.username'), ' ', username),
    el('label', {}, t('signin.password'), ' ', password),
    el('button', { type: 'submit', id: 'signin-submit', text: t('signin.submit') }),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.hidden = true;
    api<{ csrf_token: string | null }>('/v1/session', { method: 'POST', body: { username: username.value, password: password.value } })
      .then((s) => {
        csrfToken = s.csrf_token;
        if (csrfToken) sessionStorage.setItem('ews_csrf_token', csrfToken);
        return start();
      })
      .catch((err: unknown) => {
        error.textContent = err instanceof Error ? err.message : String(err);
        error.hidden = false;
      });
  });
  const oidc = el('p', { id: 'oidc', hidden: true }, el('a', { id: 'oidc-link', href: '/v1/session/oidc', text: t('signin.oidc') }));
  void fetch('/v1/session/options')
    .then((r) => (r.ok ? (r.json() as Promise<{ oidc?: boolean }>) : { oidc: false }))
    .then((o) => (oidc.hidden = o.oidc !== true))
    .catch(() => undefined);
  const switchLang = el('button', { type: 'button', id: 'lang-switch', class: 'link', text: t('lang.switch') });
  switchLang.addEventListener('click', () => {
    setLang(lang === 'vi' ? 'en' : 'vi');
    showSignIn();
  });
  document.documentElement.lang = lang;
  root.replaceChildren(
    el(
      'section',
      { id: 'signin', class: 'signin' },
      el('p', { class: 'lang' }, switchLang),
      el('h2', { text: t('signin.title') }),
      form,
      error,
      oidc,
    ),
  );
  username.focus();
}

async function start(): Promise<void> {
  try {
    const s = await api<{ user: SessionUser; csrf_token: string | null }>('/v1/session');
    user = s.user;
    lang = chosenLang() ?? (LANGS.includes(s.user.lang) ? s.user.lang : 'vi');
    if (s.csrf_token) {
      csrfToken = s.csrf_token;
      sessionStorage.setItem('ews_csrf_token', csrfToken);
    }
  } catch {
    showSignIn();
    return;
  }
  const [u, s] = await Promise.all([
    api<{ units: Unit[] }>('/v1/units'),
    api<{ series: string[]; definitions?: SyndromeDefinition[] }>('/v1/syndromes'),
    refreshToday(),
  ]);
  units = u.units;
  definitions = s.definitions ?? [];
  startLive();
  render();
}

window.addEventListener('popstate', () => void refreshToday().then(render));
document.documentElement.lang = lang;
void start();
