import { gatherBulletin, type BulletinSources } from './gather.ts';
import type { BulletinLang } from './bulletin-data.ts';
import { renderBulletinHtml } from './bulletin-html.ts';
import type { IsoWeek } from './iso-week.ts';
import type { PdfRenderer } from './render-pdf.ts';

export type BulletinFormat = 'html' | 'pdf';
export const BULLETIN_FORMATS: readonly BulletinFormat[] = ['html', 'pdf'];

export interface BulletinRequest {
  province: string;
  week: IsoWeek;
  lang: BulletinLang;
}

/** `bulletin-24-2026-W47.pdf`: the name the CLI writes and the API offers. */
export const bulletinFileName = (province: string, week: string, format: BulletinFormat) => `bulletin-${province}-${week}.${format}`;

/**
 * Makes the week's bulletin: gathered from the stores, written as HTML, and as PDF by the
 * renderer for the formats that ask for it. The map: the communes' polygons (the sources'
 * `shapes`, else approximate cells of the registry's centroids, as the overview map draws).
 */
export async function makeBulletin(
  src: BulletinSources,
  renderer: PdfRenderer | undefined,
  q: BulletinRequest,
  formats: readonly BulletinFormat[],
  mapSvg?: string,
): Promise<{ html: string; pdf?: Buffer }> {
  const data = await gatherBulletin(src, q);
  const registry = src.units.map((u) => ({ code: u.code, provinceCode: u.province_code, lon: u.lon, lat: u.lat }));
  const html = renderBulletinHtml(data, { lang: q.lang, mapSvg, shapes: src.shapes, registry });
  if (!formats.includes('pdf')) return { html };
  if (!renderer) throw new Error('a PDF was asked for without a PDF renderer');
  return { html, pdf: await renderer.render(html) };
}
