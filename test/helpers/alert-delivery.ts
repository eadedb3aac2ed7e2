import { renderAlertMessage, type AlertMessageInput } from '../../alerts/messages.ts';
import type { Delivery } from '../../alerts/channels/channel.ts';

export const BASE_URL = 'https://ews.bacninh.gov.vn';
export const ALERT_ID = '3f1c2a9e-7b4d-4c1e-9a2f-1d2e3f4a5b6c';

/** A red dengue alert in phường Chũ, Bắc Ninh, as the message renderer takes it. */
export const messageInput = (over: Partial<AlertMessageInput> = {}): AlertMessageInput => ({
  event: 'opened',
  alert_id: ALERT_ID,
  syndrome: 'dengue',
  level: 'red',
  place: { commune: 'Chũ', communeType: 'phuong', province: 'Bắc Ninh' },
  first_day: '2026-11-28',
  last_day: '2026-12-01',
  at: '2026-12-01T07:05:00Z',
  observed: 12,
  expected: 3.4,
  evidence: [{ algorithm: 'ears_c2', series: 'dengue', day: '2026-12-01', observed: 12, expected: 3.4, threshold: 8.1, p_value: 0.0031 }],
  ...over,
});

export const delivery = (over: Partial<Delivery> & { input?: AlertMessageInput } = {}): Delivery => {
  const { input = messageInput(), ...rest } = over;
  const lang = rest.lang ?? 'vi';
  return {
    idempotencyKey: `${ALERT_ID}/v1/opened/bn.xa.chu/email`,
    alertId: ALERT_ID,
    alertVersion: 1,
    event: 'opened',
    recipient: 'bn.xa.chu',
    address: 'bn.chu@example.vn',
    lang,
    message: renderAlertMessage(input, lang, BASE_URL),
    level: input.level,
    syndrome: input.syndrome,
    ...rest,
  };
};
