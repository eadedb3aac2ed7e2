// The web application's entry: the shell (sign-in, navigation, language switch, live
// updates) and the pages it routes to. Built by dashboards/web-bundle.ts.
import { register } from './i18n.ts';
import type { Page } from './contract.ts';

export const pages: Page[] = [];
for (const p of pages) register(p.messages);
