// Whether a live `counts` event (GET /v1/live, dashboards/live-counts.ts) concerns what a page
// shows: pure, so that a page reads again only when its own series moved.

/** The data of a `counts` event: the communes, series and days whose counts were just stored. */
export interface CountsNews {
  communes: string[];
  syndromes: string[];
  days: string[];
}

/** What a page shows: its communes (null: any of the caller's), its series (null: any), its days (inclusive; null: any). */
export interface CountsView {
  communes: readonly string[] | null;
  syndrome: string | null;
  from: string | null;
  to: string | null;
}

const isNews = (d: unknown): d is CountsNews =>
  typeof d === 'object' && d !== null && ['communes', 'syndromes', 'days'].every((k) => Array.isArray((d as Record<string, unknown>)[k]));

/** True when the event may change the view; a malformed event is taken as news (reading again is harmless). */
export function countsConcern(data: unknown, view: CountsView): boolean {
  if (!isNews(data)) return true;
  if (view.communes !== null && !data.communes.some((c) => view.communes!.includes(c))) return false;
  if (view.syndrome !== null && !data.syndromes.includes(view.syndrome)) return false;
  if (view.from !== null && view.to !== null && !data.days.some((d) => d >= view.from! && d <= view.to!)) return false;
  return true;
}

/**
 * The communes behind a page's areas: a commune code itself, a province code its communes among
 * `units`, `national` null (any).
 */
export function communesOfAreas(areas: readonly string[], units: readonly { code: string; province_code: string }[]): string[] | null {
  if (areas.includes('national')) return null;
  return areas.flatMap((a) => (a.length === 2 ? units.filter((u) => u.province_code === a).map((u) => u.code) : [a]));
}
