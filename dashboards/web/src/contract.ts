// The contract between the web application's shell (main.ts: sign-in, router, language
// switch, live updates) and its pages (pages/*.ts). A page is a module that mounts itself
// into the element the shell hands it and returns how to unmount; everything it needs from
// the outside comes through PageContext, so a page never reaches for globals or another page.

import type { Jurisdiction, Lang, Permission, Role } from '../../../schemas/access.ts';
import type { UnitView } from '../../../schemas/units/registry.ts';
import type { Catalogue, MessageKey } from './i18n.ts';

export type { Jurisdiction, Lang, Permission, Role };

/** The signed-in person, as GET /v1/session answers. */
export interface SessionUser {
  username: string;
  role: Role;
  jurisdiction: Jurisdiction;
  lang: Lang;
}

/** One commune of the unit registry (GET /v1/units), scoped to the caller. */
export type Unit = UnitView;

/**
 * One series' definition as GET /v1/syndromes answers it in `definitions` (beside `series`,
 * the ids): names and description in both languages, and what classifies an event into it.
 */
export interface SyndromeDefinition {
  id: string;
  kind: 'syndrome' | 'lab' | 'denominator';
  name: { vi: string; en: string };
  description: { vi: string; en: string };
  icd10: readonly string[];
  loinc: readonly string[];
  keywords: readonly string[];
}

/** A server-sent event the shell relays from GET /v1/live. */
export interface LiveEvent {
  /** 'alert' (an alert opened, changed or closed), 'counts' (a day's counts moved), 'hello'. */
  type: string;
  data: unknown;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The answer's `error.code` (CONFLICT, TRANSITION_FORBIDDEN, …), when it had one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface PageContext {
  /** GET (or, with init, another method) a same-origin API path; JSON in and out; throws HttpError. */
  api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  /** The message of `key` in the current language, `{name}` placeholders filled from params. */
  t(this: void, key: MessageKey, params?: Record<string, string | number>): string;
  readonly lang: Lang;
  readonly user: SessionUser;
  /** Whether the signed-in user's role has a permission (schemas/access.ts PERMISSIONS). */
  can(permission: Permission): boolean;
  /** The communes the caller may see. */
  readonly units: readonly Unit[];
  /** A series id (`lab_dengue`, `ili`) by its name in the current language, from GET /v1/syndromes `definitions`; the id when unnamed. */
  syndromeName(id: string): string;
  /** A commune (5 digits) or province (2 digits) code by its name, from the unit registry; the code when unknown. */
  areaName(code: string): string;
  /** The service's local day (YYYY-MM-DD, Asia/Ho_Chi_Minh, by the pipeline's clock: the demo's is simulated), as of this page's opening. */
  today(): string;
  /** Go to another page of the application (history.pushState; no reload). */
  navigate(path: string): void;
  /** Subscribe to live updates; returns the unsubscribe function. */
  onLive(type: string, fn: (data: unknown) => void): () => void;
}

/** What a page module exports as `page`. */
export interface Page {
  /** First path segment this page answers ('' is the overview, 'series', 'alerts', …). */
  route: string;
  /** Message key of its title in the navigation. */
  title: MessageKey;
  /** Its messages, in both languages (checked to have the same keys by test/unit/web-i18n.test.ts). */
  messages: Catalogue;
  /** A permission the page needs: without it the page is left out of the navigation and refused. */
  permission?: Permission;
  /** Mount into root; params are the rest of the path and the query string. Returns its unmount. */
  mount(root: HTMLElement, ctx: PageContext, params: { rest: string[]; query: URLSearchParams }): () => void;
}
