import { describe, expect, it } from 'vitest';
import { DEFAULT_ESCALATION_DELAY_MS, escalationDue } from '../../alerts/escalation.ts';
import { stored } from '../helpers/alert-evidence.ts';

describe('escalation of an unacknowledged red alert', () => {
  const since = '2026-07-10T08:00:00.000Z';
  const red = stored({ level: 'red', level_since: since });
  it.each([
    ['red, open, 2 h later', red, '2026-07-10T10:00:00.000Z', true],
    ['red, open, 1 ms short of 2 h', red, '2026-07-10T09:59:59.999Z', false],
    ['yellow, open, a day later', stored({ level: 'yellow', level_since: since }), '2026-07-11T08:00:00.000Z', false],
    ['red, verified', stored({ level: 'red', level_since: since, status: 'verified' }), '2026-07-11T08:00:00.000Z', false],
    ['red, monitoring', stored({ level: 'red', level_since: since, status: 'monitoring' }), '2026-07-11T08:00:00.000Z', false],
    ['red, merged', stored({ level: 'red', level_since: since, merged_into: 'X' }), '2026-07-11T08:00:00.000Z', false],
  ])('%s → %s', (_n, alert, at, due) => expect(escalationDue(alert, at)).toBe(due));

  it('the delay is a parameter; the default is 2 h', () => {
    expect(DEFAULT_ESCALATION_DELAY_MS).toBe(7_200_000);
    expect(escalationDue(red, '2026-07-10T08:30:00.000Z', 30 * 60_000)).toBe(true);
    expect(escalationDue(red, '2026-07-10T08:29:59.999Z', 30 * 60_000)).toBe(false);
  });
});
