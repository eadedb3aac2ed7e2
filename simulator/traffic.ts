import type { Rng } from './random.ts';
import type { SimEvent } from './model.ts';

/** How real hospital feeds misbehave: resends, late arrivals and invalid records. */
export interface TrafficOptions {
  resendShare: number;
  lateShare: number;
  /** Late events arrive this many days after they occurred, at most. */
  maxLateDays: number;
  invalidShare: number;
}

export const DEFAULT_TRAFFIC: TrafficOptions = { resendShare: 0.02, lateShare: 0.03, maxLateDays: 5, invalidShare: 0.005 };

/** One line to send (already serialized: invalid lines need not be JSON) and when to send it. */
export interface Outgoing {
  line: string;
  /** The hospital that sends it (the event's hospital_id, also for a broken copy): its key authenticates the request. */
  hospital: string;
  /** Epoch ms at which the hospital sends it. */
  sendAt: number;
  kind: 'valid' | 'resend' | 'late' | 'invalid';
}

const DAY_MS = 86_400_000;

/**
 * Schedules a day's events as a hospital feed would deliver them: most on time, some late
 * (counted on their own day when they arrive), some sent twice, plus a few broken records
 * that must be refused and dead-lettered.
 */
export function scheduleTraffic(events: readonly SimEvent[], o: TrafficOptions, rng: Rng): Outgoing[] {
  const out: Outgoing[] = [];
  for (const e of events) {
    const at = Date.parse(e.occurred_at);
    const late = rng.chance(o.lateShare);
    const sendAt = late ? at + (1 + rng.int(o.maxLateDays)) * DAY_MS : at + rng.int(30 * 60_000);
    const line = JSON.stringify(e);
    const hospital = e.hospital_id;
    out.push({ line, hospital, sendAt, kind: late ? 'late' : 'valid' });
    if (rng.chance(o.resendShare)) out.push({ line, hospital, sendAt: sendAt + rng.int(2 * DAY_MS), kind: 'resend' });
    if (rng.chance(o.invalidShare)) out.push({ line: breakEvent(e, rng), hospital, sendAt, kind: 'invalid' });
  }
  return out.sort((a, b) => a.sendAt - b.sendAt);
}

/** A broken copy of an event, one of the mistakes seen in real feeds. */
function breakEvent(e: SimEvent, rng: Rng): string {
  const bad: Record<string, unknown> = { ...e, event_id: `${e.event_id}-bad` };
  switch (rng.int(6)) {
    case 0:
      bad['commune_code'] = '99999';
      break;
    case 1:
      delete bad['occurred_at'];
      break;
    case 2:
      bad['occurred_at'] = '25/11/2026 08:00';
      break;
    case 3:
      bad['sex'] = 'M';
      break;
    case 4:
      bad['age_years'] = -3;
      break;
    default:
      return JSON.stringify(bad).slice(0, 40);
  }
  return JSON.stringify(bad);
}
