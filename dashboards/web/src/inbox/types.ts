// The alert API's answers as the inbox reads them (alerts/lifecycle-routes.ts, access/subscription-routes.ts).
import type { ActionType, LifecycleAlert, LifecycleStep } from '../../../../schemas/alert-lifecycle.ts';

export type { ActionType, LifecycleAlert, LifecycleStep };

/** GET /v1/alert-inbox */
export interface InboxPage {
  alerts: LifecycleAlert[];
  next_cursor: string | null;
}

/** GET /v1/alerts/:id (the series is drawn by the series page, not here). */
export interface AlertDetailAnswer {
  alert: LifecycleAlert;
  steps: LifecycleStep[];
  allowed_actions: ActionType[];
  line_list: { rows: Record<string, unknown>[]; truncated: boolean; limit: number } | null;
  line_list_withheld: { permission: string; message: string } | null;
}

/** GET/PUT /v1/me/subscription */
export interface Subscription {
  username: string;
  syndromes: 'all' | string[];
  min_level: 'yellow' | 'red';
  channels: ('email' | 'sms' | 'webhook')[];
  webhook_url: string | null;
  head: boolean;
  active: boolean;
  stored: boolean;
  updated_at: string | null;
}
