import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryRefusedError } from '../../alerts/channels/channel.ts';
import { createEmailChannel, messageIdOf } from '../../alerts/channels/email.ts';
import { createSmsChannel } from '../../alerts/channels/sms.ts';
import { createWebhookChannel, signWebhook, verifyWebhookSignature } from '../../alerts/channels/webhook.ts';
import { isRetryable } from '../../platform/retryable.ts';
import { ALERT_ID, BASE_URL, delivery } from '../helpers/alert-delivery.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts';

const link = `${BASE_URL}/alerts/${ALERT_ID}`;

describe('e-mail over SMTP, against a real SMTP server', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => (smtp = await startSmtpServer()));
  afterAll(() => smtp.close());

  it('arrives with the Vietnamese subject and body (diacritics intact), the link, and a Message-ID from the idempotency key', async () => {
    const email = createEmailChannel({ smtpUrl: smtp.url, from: 'Cảnh báo sớm <ews@soyte.example.vn>' });
    const d = delivery();
    await email.deliver(d);
    await email.close();
    const mail = smtp.received.at(-1)!;
    expect(smtp.envelopes.at(-1)).toEqual(['bn.chu@example.vn']);
    expect(mail.subject).toBe('[Cảnh báo ĐỎ] Sốt xuất huyết Dengue - phường Chũ, tỉnh Bắc Ninh - 01/12/2026');
    expect(mail.text).toContain('Địa bàn: phường Chũ, tỉnh Bắc Ninh');
    expect(mail.text).toContain('Ghi nhận 12 ca, kỳ vọng 3,4 ca');
    expect(mail.text).toContain(`Xem chi tiết và xử lý cảnh báo: ${link}`);
    expect(mail.text).toBe(d.message.text);
    expect(mail.messageId).toBe(messageIdOf(d.idempotencyKey));
    expect(mail.headers.get('x-ews-idempotency-key')).toBe(d.idempotencyKey);
    expect(mail.from?.value[0]).toEqual({ name: 'Cảnh báo sớm', address: 'ews@soyte.example.vn' });
  });

  it('in English for an English-speaking recipient; another notification has another Message-ID', async () => {
    const email = createEmailChannel({ smtpUrl: smtp.url, from: 'ews@soyte.example.vn' });
    await email.deliver(delivery({ lang: 'en', idempotencyKey: 'k-en' }));
    await email.close();
    const mail = smtp.received.at(-1)!;
    expect(mail.subject).toBe('[RED alert] Dengue - Chũ Ward, Bắc Ninh Province - 01/12/2026');
    expect(mail.text).toContain(`Details and actions: ${link}`);
    expect(mail.messageId).toBe(messageIdOf('k-en'));
    expect(messageIdOf('k-en')).not.toBe(messageIdOf(delivery().idempotencyKey));
  });

  it('a temporary SMTP failure (451) is retryable; a refusal (550) is not', async () => {
    const email = createEmailChannel({ smtpUrl: smtp.url, from: 'ews@soyte.example.vn' });
    const before = smtp.received.length;
    try {
      smtp.failWith = 451;
      const temp = await email.deliver(delivery()).catch((e: unknown) => e);
      expect(isRetryable(temp)).toBe(true);
      smtp.failWith = 550;
      const refused = await email.deliver(delivery()).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DeliveryRefusedError);
    } finally {
      smtp.failWith = undefined;
      await email.close();
    }
    expect(smtp.received.length).toBe(before);
  });

  it('an SMTP server that does not answer is a retryable failure', async () => {
    const email = createEmailChannel({ smtpUrl: 'smtp://127.0.0.1:1', from: 'ews@soyte.example.vn', timeoutMs: 2000 });
    const err = await email.deliver(delivery()).catch((e: unknown) => e);
    await email.close();
    expect(err).toBeInstanceOf(Error);
    expect(isRetryable(err)).toBe(true);
  });
});

describe('the signed webhook, against a real HTTP receiver', () => {
  const SECRET = 'whsec_test_0123456789abcdef';
  const NOW = Date.parse('2026-12-01T07:05:00Z');
  const clock = { now: () => NOW };

  it('POSTs the JSON with X-EWS-Signature and Idempotency-Key; the receiver verifies the raw body', async () => {
    const rx = await startWebhookReceiver<Record<string, unknown>>();
    try {
      const d = delivery({ address: rx.url, idempotencyKey: 'a/v1/opened/bn.tinh/webhook' });
      await createWebhookChannel({ secret: SECRET, clock }).deliver(d);
      const req = rx.requests[0]!;
      const header = req.headers['x-ews-signature'] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(header.startsWith(`t=${NOW / 1000},`)).toBe(true);
      expect(req.headers['idempotency-key']).toBe('a/v1/opened/bn.tinh/webhook');
      expect(rx.received[0]).toMatchObject({
        idempotency_key: 'a/v1/opened/bn.tinh/webhook',
        event: 'opened',
        alert_id: ALERT_ID,
        level: 'red',
        syndrome: 'dengue',
        lang: 'vi',
        link,
        subject: d.message.subject,
        summary: d.message.summary,
      });
      expect(verifyWebhookSignature(SECRET, header, req.rawBody, NOW + 1000, 300)).toBe(true);
      // A tampered body, another secret, a stale or a future timestamp: refused.
      expect(verifyWebhookSignature(SECRET, header, req.rawBody.replace('"red"', '"yellow"'), NOW, 300)).toBe(false);
      expect(verifyWebhookSignature('whsec_other_secret_000000', header, req.rawBody, NOW, 300)).toBe(false);
      expect(verifyWebhookSignature(SECRET, header, req.rawBody, NOW + 301_000, 300)).toBe(false);
      expect(verifyWebhookSignature(SECRET, header, req.rawBody, NOW - 301_000, 300)).toBe(false);
    } finally {
      rx.close();
    }
  });

  it('verifyWebhookSignature: a replayed old request, a re-timed signature, garbage headers are refused; a rotated secret list passes', () => {
    const body = '{"a":1}';
    const t = NOW / 1000;
    const good = signWebhook(SECRET, body, t);
    expect(verifyWebhookSignature(SECRET, good, body, NOW, 300)).toBe(true);
    expect(verifyWebhookSignature(SECRET, good, Buffer.from(body), NOW, 300)).toBe(true);
    // An attacker moving t forward to dodge the tolerance breaks the MAC.
    const retimed = good.replace(`t=${t}`, `t=${t + 3600}`);
    expect(verifyWebhookSignature(SECRET, retimed, body, NOW + 3_600_000, 300)).toBe(false);
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, body, t - 600), body, NOW, 300)).toBe(false);
    for (const h of [undefined, '', 't=1', `v1=${'0'.repeat(64)}`, 't=abc,v1=00', `t=${t},v1=zz`]) {
      expect(verifyWebhookSignature(SECRET, h, body, NOW, 300)).toBe(false);
    }
    const other = signWebhook('old-secret', body, t).split(',')[1]!;
    expect(verifyWebhookSignature(SECRET, `${good},${other}`, body, NOW, 300)).toBe(true);
  });

  it('the README snippet for receivers verifies a real signed delivery and refuses a tampered one', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /### Verifying webhooks[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toContain('function verifyEwsSignature');
    // Run as a receiver would: the block as its own module.
    const file = join(mkdtempSync(join(tmpdir(), 'ews-readme-')), 'verify.mjs');
    writeFileSync(file, `${block!}\nexport { verifyEwsSignature };\n`);
    const { verifyEwsSignature: verify } = (await import(pathToFileURL(file).href)) as {
      verifyEwsSignature: (secret: string, header: string, rawBody: string) => boolean;
    };
    const rx = await startWebhookReceiver();
    try {
      await createWebhookChannel({ secret: SECRET, clock: { now: () => Date.now() } }).deliver(delivery({ address: rx.url }));
      const req = rx.requests[0]!;
      const header = req.headers['x-ews-signature'] as string;
      expect(verify(SECRET, header, req.rawBody)).toBe(true);
      expect(verify(SECRET, header, req.rawBody.replace('"red"', '"yellow"'))).toBe(false);
      expect(verify('another-secret-0000', header, req.rawBody)).toBe(false);
      const t = Math.floor(Date.now() / 1000) - 600;
      expect(verify(SECRET, signWebhook(SECRET, req.rawBody, t), req.rawBody)).toBe(false);
    } finally {
      rx.close();
    }
  });

  it('5xx and 429 are retryable, other 4xx refusals', async () => {
    const rx = await startWebhookReceiver();
    const channel = createWebhookChannel({ secret: SECRET, clock });
    try {
      for (const [status, retryable] of [
        [503, true],
        [429, true],
        [400, false],
        [410, false],
      ] as const) {
        rx.status = () => status;
        const err = await channel.deliver(delivery({ address: rx.url })).catch((e: unknown) => e);
        expect([status, isRetryable(err), err instanceof DeliveryRefusedError]).toEqual([status, retryable, !retryable]);
      }
      rx.status = () => 204;
      await expect(channel.deliver(delivery({ address: rx.url }))).resolves.toBeUndefined();
    } finally {
      rx.close();
    }
  });
});

describe('SMS through an HTTP gateway, against a real gateway stub', () => {
  it('POSTs {to, text} with the bearer token and the Idempotency-Key; the text is the one-segment SMS', async () => {
    const got: { auth: string | undefined; key: string | undefined; body: { to: string; text: string } }[] = [];
    const gateway = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        if (req.headers.authorization !== 'Bearer gw-token') return void res.writeHead(401).end('bad token');
        got.push({
          auth: req.headers.authorization,
          key: req.headers['idempotency-key'] as string | undefined,
          body: JSON.parse(raw) as { to: string; text: string },
        });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"id":"m-1"}');
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
    try {
      const d = delivery({ address: '+84912007525', idempotencyKey: 'a/v1/opened/bn.xa.chu/sms' });
      await createSmsChannel({ gatewayUrl: url, token: 'gw-token' }).deliver(d);
      expect(got).toEqual([
        { auth: 'Bearer gw-token', key: 'a/v1/opened/bn.xa.chu/sms', body: { to: '+84912007525', text: d.message.sms.text } },
      ]);
      expect(d.message.sms.segments).toBe(1);
      expect(got[0]!.body.text).toContain(link);
      // A wrong token: the gateway refuses (401), not retried.
      const err = await createSmsChannel({ gatewayUrl: url, token: 'wrong' })
        .deliver(d)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeliveryRefusedError);
      expect(got).toHaveLength(1);
    } finally {
      gateway.close();
    }
  });
});
