import { z } from 'zod';
import { envInt } from '../platform/config.ts';

/** The read API (dashboards/). */
export const dashboardsConfigSchema = z.object({
  /** Reads (counts, series, alerts, units, dead letters) per user per minute; over it 429 with Retry-After. Default 600; 0: no limit. */
  EWS_READ_RATE_LIMIT_PER_MINUTE: envInt(600, 0, 1_000_000),
  /** Commune boundaries for the overview map, a GeoJSON FeatureCollection of Polygons/MultiPolygons; unset → approximate cells from the registry's centroids. Read and checked at start. */
  EWS_BOUNDARIES_GEOJSON: z.string().min(1).optional(),
  /** The feature property of EWS_BOUNDARIES_GEOJSON holding the 5-digit commune code. Default `code`. */
  EWS_BOUNDARIES_CODE_PROPERTY: z.string().min(1).default('code'),
  /** Chromium's executable, which renders the weekly bulletin's PDF (GET /v1/bulletin, ews bulletin). Default Debian's /usr/bin/chromium. */
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
});
