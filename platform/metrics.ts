import { Registry, collectDefaultMetrics } from 'prom-client';

/** A non-global registry; each room registers its own `ews_<room>_<thing>_<unit>` metrics on it. */
export function createMetricsRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'ews_' });
  return registry;
}

export type { Registry };
