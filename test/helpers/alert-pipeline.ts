import { fileURLToPath } from 'node:url';
import { DEMO_OFFICERS_FILE } from '../../alerts/officers-file.ts';
import { encounter, postAndSettle, startTestPipeline, type TestPipeline } from './pipeline.ts';
import { startSmtpServer, type TestSmtpServer } from './smtp-server.ts';

// A pipeline whose alerts are delivered (the outbox polled every 50 ms), for the tests of
// notifications, subscriptions, the alert detail and its metrics. Kept apart from
// alert-delivery.ts (message fixtures), which store-only tests import without a pipeline.

/** The public URL (EWS_PUBLIC_URL) of the links in the messages of a pipeline started with `demoOfficers`. */
export const PUBLIC_URL = 'https://ews.bacninh.example.vn';

/** `n` dengue encounters (A90) in 09187 on `date` at 09:00, `d-<date>-<i>`; `over(i)` adds fields to the i-th. */
export const dengue = (date: string, n: number, over: (i: number) => Record<string, unknown> = () => ({})) =>
  Array.from({ length: n }, (_, i) =>
    encounter({ event_id: `d-${date}-${i}`, occurred_at: `${date}T09:00:00+07:00`, diagnoses: ['A90'], ...over(i) }),
  );

/** The 12 quiet days before 20 November 2026 (8–19 November). */
export const QUIET_DAYS = Array.from({ length: 12 }, (_, i) => `2026-11-${String(8 + i).padStart(2, '0')}`);

export interface AlertPipelineOptions {
  /** The pipeline's clock. */
  now: () => number;
  /** More environment (over EWS_OUTBOX_POLL_MS=50 and, with demoOfficers, the two below). */
  env?: Record<string, string>;
  /** The demo officers file (EWS_OFFICERS_FILE) and PUBLIC_URL (EWS_PUBLIC_URL). */
  demoOfficers?: boolean;
  /** Run on the started pipeline before the quiet days are posted (users, tokens). */
  before?: (p: TestPipeline) => Promise<void>;
  /** The cases of one quiet day (default `dengue`). */
  cases?: (date: string, n: number) => unknown[];
}

/**
 * Starts a test pipeline that delivers alerts, runs `before`, then posts and settles the quiet
 * days (alternately 0 and 1 case: a baseline that opens no alert). Cleaned up if any of it fails.
 */
export async function startAlertPipeline(options: AlertPipelineOptions): Promise<TestPipeline> {
  const p = await startTestPipeline({
    clock: { now: options.now },
    env: {
      ...(options.demoOfficers ? { EWS_OFFICERS_FILE: fileURLToPath(DEMO_OFFICERS_FILE), EWS_PUBLIC_URL: PUBLIC_URL } : {}),
      EWS_OUTBOX_POLL_MS: '50',
      ...options.env,
    },
  });
  try {
    await options.before?.(p);
    const cases = options.cases ?? dengue;
    await postAndSettle(
      p,
      QUIET_DAYS.flatMap((d, i) => cases(d, i % 2)),
    );
  } catch (err) {
    await p.cleanup();
    throw err;
  }
  return p;
}

export interface MailPipeline {
  p: TestPipeline;
  /** The real SMTP server the pipeline's e-mail goes to (EWS_SMTP_URL). */
  smtp: TestSmtpServer;
  /** Cleans up the pipeline, then closes the SMTP server. */
  close(): Promise<void>;
}

/** startAlertPipeline with a real SMTP server on loopback as its EWS_SMTP_URL. */
export async function startMailPipeline(options: AlertPipelineOptions): Promise<MailPipeline> {
  const smtp = await startSmtpServer();
  let p: TestPipeline;
  try {
    p = await startAlertPipeline({ ...options, env: { EWS_SMTP_URL: smtp.url, ...options.env } });
  } catch (err) {
    await smtp.close();
    throw err;
  }
  return {
    p,
    smtp,
    async close() {
      await p.cleanup();
      await smtp.close();
    },
  };
}
