import { describe, expect, it } from 'vitest';
import { notificationConfigSchema } from '../../alerts/config.ts';
import { channelsFromConfig, senderConfigFrom } from '../../alerts/notification-setup.ts';
import { loadConfig } from '../../platform/config.ts';

const clock = { now: () => 0 };

describe('notification settings', () => {
  it('defaults: no channel on, the sender timing of the outbox', () => {
    const c = loadConfig(notificationConfigSchema, {});
    expect(Object.keys(channelsFromConfig(c, clock))).toEqual([]);
    expect(senderConfigFrom(c)).toEqual({
      maxAttempts: 10,
      initialBackoffMs: 30_000,
      maxBackoffMs: 3_600_000,
      pollIntervalMs: 1000,
      leaseMs: 300_000,
    });
    expect(c.EWS_PUBLIC_URL).toBe('http://127.0.0.1:8080');
  });

  it('a channel is on when its variables are set; webhooks only with a secret', async () => {
    const c = loadConfig(notificationConfigSchema, {
      EWS_SMTP_URL: 'smtp://127.0.0.1:2525',
      EWS_WEBHOOK_SECRET: '0123456789abcdef',
      EWS_SMS_GATEWAY_URL: 'https://sms.example.vn/send',
      EWS_SMS_GATEWAY_TOKEN: 't',
    });
    const channels = channelsFromConfig(c, clock);
    expect(Object.keys(channels).sort()).toEqual(['email', 'sms', 'webhook']);
    await Promise.all(Object.values(channels).map((ch) => ch.close()));
  });

  it.each([
    ['EWS_SMTP_URL', 'http://mail.example.vn'],
    ['EWS_WEBHOOK_SECRET', 'short'],
    ['EWS_SMS_GATEWAY_URL', 'sms.example.vn'],
    ['EWS_OUTBOX_MAX_ATTEMPTS', '0'],
    ['EWS_PUBLIC_URL', 'ftp://x'],
  ])('a bad %s stops start-up naming it', (name, value) => {
    expect(() => loadConfig(notificationConfigSchema, { [name]: value })).toThrow(name);
  });
});
