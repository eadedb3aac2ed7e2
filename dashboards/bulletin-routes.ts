import type { FastifyInstance } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { vnDayNumber } from '../schemas/data-quality.ts';
import { BULLETIN_LANGS, type BulletinLang } from './bulletin/bulletin-data.ts';
import { BULLETIN_FORMATS, bulletinFileName, makeBulletin, type BulletinFormat } from './bulletin/bulletin-service.ts';
import { provinceUnits, type BulletinSources } from './bulletin/gather.ts';
import { lastCompleteWeek, parseIsoWeek } from './bulletin/iso-week.ts';
import type { PdfRenderer } from './bulletin/render-pdf.ts';
import { unitIndex } from './api-routes.ts';
import { principalOf } from './read-guard.ts';
import { requireArea, requirePermission } from './scope.ts';

export interface BulletinRouteDeps {
  sources: BulletinSources;
  pdf: PdfRenderer;
}

const MESSAGES: Record<string, string> = {
  province:
    'must be a 2-digit province code such as 24 (required unless your jurisdiction is one province) / phải là mã tỉnh 2 chữ số, ví dụ 24',
  week: 'must be an ISO week YYYY-Www such as 2026-W47 / phải là tuần ISO dạng YYYY-Www, ví dụ 2026-W47',
  format: 'must be html or pdf / phải là html hoặc pdf',
  lang: 'must be vi or en / phải là vi hoặc en',
};
const UNKNOWN = `unknown parameter (known: ${Object.keys(MESSAGES).join(', ')}) / tham số không hợp lệ`;

function badQuery(bad: { path: string; message: string }[]): AppError {
  return new AppError('BAD_QUERY', bad.map((d) => `${d.path}: ${d.message}`).join('; '), { details: bad });
}

/**
 * GET /v1/bulletin?province=CODE&week=YYYY-Www&format=html|pdf&lang=vi|en: the weekly
 * bulletin of a province as a download (defaults: the caller's province, the last complete
 * week, HTML, Vietnamese). Counts and alert summaries, no event: `read:aggregates`, and the
 * province must be inside the caller's jurisdiction (403 otherwise). 400 names each bad parameter.
 */
export function registerBulletinRoutes(app: FastifyInstance, deps: BulletinRouteDeps): void {
  const index = unitIndex(deps.sources.units);
  app.get(
    '/v1/bulletin',
    {
      schema: {
        summary: 'The weekly bulletin of a province, as HTML or PDF',
        description:
          'Top syndromes against expected, alerts opened and closed in the ISO week with their outcomes, a map of alert levels by commune, ' +
          'and data completeness per hospital; in Vietnamese (default) or English. Defaults: the caller’s province, the last complete week, html.',
        tags: ['bulletin'],
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      requirePermission(p, 'read:aggregates');
      const query = (req.query ?? {}) as Record<string, unknown>;
      const bad: { path: string; message: string }[] = [];
      for (const k of Object.keys(query)) if (!(k in MESSAGES)) bad.push({ path: k, message: UNKNOWN });
      const str = (k: string) => (typeof query[k] === 'string' ? query[k] : query[k] === undefined ? undefined : '');
      const province = str('province') ?? (p.jurisdiction.level === 'province' ? p.jurisdiction.province : undefined);
      if (province === undefined || !/^\d{2}$/.test(province)) bad.push({ path: 'province', message: MESSAGES['province']! });
      const weekText = str('week');
      const week = weekText === undefined ? lastCompleteWeek(vnDayNumber(deps.sources.clock.now())) : parseIsoWeek(weekText);
      if (!week) bad.push({ path: 'week', message: MESSAGES['week']! });
      const format = (str('format') ?? 'html') as BulletinFormat;
      if (!BULLETIN_FORMATS.includes(format)) bad.push({ path: 'format', message: MESSAGES['format']! });
      const lang = (str('lang') ?? 'vi') as BulletinLang;
      if (!BULLETIN_LANGS.includes(lang)) bad.push({ path: 'lang', message: MESSAGES['lang']! });
      if (bad.length > 0 || !week || province === undefined) throw badQuery(bad);
      provinceUnits(deps.sources.units, province);
      requireArea(p, { level: 'province', code: province }, index);

      const made = await makeBulletin(deps.sources, deps.pdf, { province, week, lang }, [format]);
      const name = bulletinFileName(province, week.label, format);
      void reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
      if (format === 'pdf') return reply.type('application/pdf').send(made.pdf);
      return reply.type('text/html; charset=utf-8').send(made.html);
    },
  );
}
