// The one place that touches the echarts runtime: modular imports (only the chart types and
// components the pages use are bundled), the SVG renderer, resize with the window, dispose on
// unmount. Options come from the pure builders (series-option.ts).

import { BarChart, LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkPointComponent,
  TooltipComponent,
} from 'echarts/components';
import { init, use, type EChartsType } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { SeriesChartOption } from './series-option.ts';
import './charts.css';

use([
  LineChart,
  BarChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomComponent,
  MarkPointComponent,
  MarkAreaComponent,
  SVGRenderer,
]);

/** A chart mounted in an element. */
export interface MountedChart {
  /** Replaces the whole option (nothing of the previous one stays: no stale series). */
  show(option: SeriesChartOption): void;
  /** Releases the chart and its listeners. */
  dispose(): void;
}

/** Mounts an ECharts instance (SVG) into `host`, resized with the window. */
export function mountChart(host: HTMLElement): MountedChart {
  const chart: EChartsType = init(host, null, { renderer: 'svg' });
  const resize = () => chart.resize();
  window.addEventListener('resize', resize);
  return {
    show(option) {
      chart.setOption(option, { notMerge: true });
    },
    dispose() {
      window.removeEventListener('resize', resize);
      chart.dispose();
    },
  };
}
