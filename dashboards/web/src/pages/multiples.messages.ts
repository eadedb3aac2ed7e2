import type { Catalogue } from '../i18n.ts';
import { chartMessages } from '../charts/chart.messages.ts';
import { seriesMessages } from './series.messages.ts';

/** Small multiples' words (with the charts' and the pickers' from the series view). */
export const multiplesMessages: Catalogue = {
  vi: {
    ...chartMessages.vi,
    ...seriesMessages.vi,
    'multiples.title': 'Theo xã',
    'multiples.heading': 'Biểu đồ nhỏ theo xã/phường hoặc theo hội chứng',
    'multiples.by': 'Chia theo',
    'multiples.by.commune': 'Xã/phường của một tỉnh',
    'multiples.by.syndrome': 'Hội chứng của một địa bàn',
    'multiples.province': 'Tỉnh',
    'multiples.excess': '{excess} ca so với kỳ vọng, 7 ngày',
    'multiples.over': '{n} lần vượt ngưỡng',
    'multiples.count': '{n} biểu đồ, xếp theo số ca vượt kỳ vọng gần đây',
    'multiples.open': 'Xem chuỗi số liệu: {name}',
  },
  en: {
    ...chartMessages.en,
    ...seriesMessages.en,
    'multiples.title': 'Small multiples',
    'multiples.heading': 'Small multiples by commune or by syndrome',
    'multiples.by': 'One chart per',
    'multiples.by.commune': 'commune of a province',
    'multiples.by.syndrome': 'syndrome of an area',
    'multiples.province': 'Province',
    'multiples.excess': '{excess} vs expected, 7 days',
    'multiples.over': '{n} above threshold',
    'multiples.count': '{n} charts, most recent excess first',
    'multiples.open': 'Open the series: {name}',
  },
};
