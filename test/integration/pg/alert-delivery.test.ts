import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICERS_FILE, parseOfficersFile } from '../../../alerts/officers-file.ts';
import { GLOBAL_WEBHOOK_RECIPIENT, routeAlert, type RoutableAlert } from '../../../alerts/routing.ts';
import { buildNotifications } from '../../../alerts/notifications.ts';
import { placeNamesOf } from '../../../alerts/messages.ts';
import { createOutboxSender } from '../../../alerts/outbox-sender.ts';
import { channelsFromConfig, senderConfigFrom } from '../../../alerts/notification-setup.ts';
import { notificationConfigSchema } from '../../../alerts/config.ts';
import { messageIdOf } from '../../../alerts/channels/email.ts';
import { verifyWebhookSignature } from '../../../alerts/channels/webhook.ts';
import { loadConfig } from '../../../platform/config.ts';
import { systemClock } from '../../../platform/clock.ts';
import { createMetricsRegistry } from '../../../platform/metrics.ts';
import { createOutboxStore, enqueue, idempotencyKey } from '../../../storage/outbox.ts';
import { BUNDLED_UNITS_CSV, createUnitRegistry, parseUnitsCsv } from '../../../schemas/units/registry.ts';
import { messageInput } from '../../helpers/alert-delivery.ts';
import { startSmtpServer } from '../../helpers/smtp-server.ts';
import { startWebhookReceiver } from '../../helpers/webhook-receiver.ts';
import { openMigrated, pgliteBackend, silentLog } from './backends.ts';

const pglite = pgliteBackend();
afterAll(() => pglite.cleanup());

const units = createUnitRegistry(parseUnitsCsv(readFileSync(BUNDLED_UNITS_CSV, 'utf8')));
const provinceOf = (c: string) => units.get(c)?.provinceCode;
const SECRET = 'whsec_test_0123456789abcdef';

describe('from the officers file to the officers’ inboxes, through the outbox', () => {
  it('a red dengue alert in phường Chũ reaches the Bắc Ninh officers (e-mail and SMS) and the global webhook, once each; its escalation the head only', async () => {
    const smtp = await startSmtpServer();
    const rx = await startWebhookReceiver<{ recipient: string; event: string }>();
    const sms: { to: string; text: string }[] = [];
    const gateway = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        sms.push(JSON.parse(raw) as { to: string; text: string });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    const db = await openMigrated(pglite);
    const config = loadConfig(notificationConfigSchema, {
      EWS_SMTP_URL: smtp.url,
      EWS_MAIL_FROM: 'Cảnh báo sớm <ews@soyte.example.vn>',
      EWS_WEBHOOK_SECRET: SECRET,
      EWS_SMS_GATEWAY_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`,
      EWS_SMS_GATEWAY_TOKEN: 'gw',
      EWS_PUBLIC_URL: 'https://ews.bacninh.gov.vn',
      EWS_OUTBOX_POLL_MS: '10',
    });
    const channels = channelsFromConfig(config, systemClock);
    const outbox = createOutboxStore(db);
    const sender = createOutboxSender({
      outbox,
      channels,
      log: silentLog,
      registry: createMetricsRegistry(),
      clock: systemClock,
      baseUrl: config.EWS_PUBLIC_URL,
      config: senderConfigFrom(config),
    });
    try {
      const officers = parseOfficersFile(readFileSync(DEMO_OFFICERS_FILE, 'utf8'));
      const alert: RoutableAlert & { id: string; version: number } = {
        id: 'a-chu-dengue',
        version: 1,
        family: 'dengue',
        level: 'red',
        area: { level: 'commune', code: '07525', communes: ['07525'] },
      };
      const place = placeNamesOf(units, { area_level: 'commune', commune_code: '07525' });
      const input = messageInput({ alert_id: alert.id, place });
      const opts = { provinceOf, globalWebhookUrl: rx.url };
      const opened = buildNotifications(alert, 'opened', routeAlert(alert, 'opened', officers, opts), input);
      const escalated = buildNotifications(
        { ...alert, version: 2 },
        'escalated',
        routeAlert(alert, 'escalated', officers, opts),
        messageInput({ alert_id: alert.id, place, event: 'escalated', unacknowledged_minutes: 120 }),
      );
      // As the lifecycle store will: in the transaction of the alert version (here alone), twice (a replay).
      for (let i = 0; i < 2; i++) await db.transaction((tx) => enqueue(tx, [...opened, ...escalated], new Date()));
      expect(await outbox.list()).toHaveLength(opened.length + escalated.length);
      sender.start();
      const total = opened.length + escalated.length;
      const end = Date.now() + 20_000;
      while (smtp.received.length + sms.length + rx.received.length < total && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));

      expect(opened.map((n) => `${n.recipient}:${n.channel}`)).toEqual([
        'bn.tinh:email',
        'bn.tinh:sms',
        'bn.truong:email',
        'bn.truong:sms',
        'bn.xa.chu:email',
        'bn.xa.chu:sms',
        `${GLOBAL_WEBHOOK_RECIPIENT}:webhook`,
      ]);
      expect(escalated.map((n) => `${n.recipient}:${n.channel}`)).toEqual([
        'bn.truong:email',
        'bn.truong:sms',
        `${GLOBAL_WEBHOOK_RECIPIENT}:webhook`,
      ]);
      expect(smtp.envelopes.map((e) => e[0]).sort()).toEqual([
        'bn.chu@example.vn',
        'bn.tinh@example.vn',
        'bn.truong@example.vn',
        'bn.truong@example.vn',
      ]);
      const chu = smtp.received.find((m) => smtp.envelopes[smtp.received.indexOf(m)]![0] === 'bn.chu@example.vn')!;
      expect(chu.subject).toBe('[Cảnh báo ĐỎ] Sốt xuất huyết Dengue - phường Chũ, tỉnh Bắc Ninh - 01/12/2026');
      expect(chu.text).toContain('https://ews.bacninh.gov.vn/alerts/a-chu-dengue');
      expect(chu.messageId).toBe(messageIdOf(idempotencyKey(opened.find((n) => n.recipient === 'bn.xa.chu')!)));
      const escalation = smtp.received.filter((m) => m.subject?.startsWith('[Chuyển cấp'));
      expect(escalation).toHaveLength(1);
      expect(sms.map((s) => s.to).sort()).toEqual(['+84912000024', '+84912007525', '+84912100024', '+84912100024']);
      expect(sms.every((s) => s.text.includes('https://ews.bacninh.gov.vn/alerts/a-chu-dengue'))).toBe(true);
      expect(rx.received.map((b) => b.event).sort()).toEqual(['escalated', 'opened']);
      for (const r of rx.requests)
        expect(verifyWebhookSignature(SECRET, r.headers['x-ews-signature'] as string, r.rawBody, Date.now(), 300)).toBe(true);
      expect((await outbox.list()).every((n) => n.status === 'delivered')).toBe(true);
    } finally {
      await sender.close();
      await Promise.all(Object.values(channels).map((c) => c.close()));
      await db.close();
      gateway.close();
      rx.close();
      await smtp.close();
    }
  });
});
