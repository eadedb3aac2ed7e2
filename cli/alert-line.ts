import type { AlertChange } from '../alerts/alert-service.ts';
import type { UnitRegistry } from '../schemas/units/registry.ts';

/** One human-readable line per opened alert (updates are not repeated). */
export function printAlertLine(c: AlertChange, units: UnitRegistry, out: NodeJS.WritableStream = process.stdout): void {
  if (c.type !== 'alert.opened') return;
  const a = c.alert;
  const u = units.get(a.commune_code);
  const province = a.area_level === 'province' ? units.byProvince(a.commune_code)[0]?.provinceName : undefined;
  const commune = u ? `${u.type === 'phuong' ? 'P.' : 'X.'} ${u.name}, ${u.provinceName}` : a.commune_code;
  const place = province
    ? `tỉnh/province ${province}`
    : a.area_level === 'cluster'
      ? `cụm/cluster ${commune} + ${a.cluster_communes.length - 1} xã/communes`
      : commune;
  const fmt = (x: number | null) => (x === null ? '–' : x.toFixed(1));
  out.write(
    `CẢNH BÁO/ALERT ${a.level.toUpperCase()} ${a.granularity === 'week' ? `week of ${a.last_day}` : a.last_day} ${a.syndrome} — ${place} (${a.commune_code}): ` +
      `${a.observed} ca/cases, kỳ vọng/expected ${fmt(a.expected)}, ngưỡng/threshold ${fmt(a.threshold)} [${a.algorithm}] id=${a.alert_id}\n`,
  );
}
