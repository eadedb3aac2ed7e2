import type { Page } from '../contract.ts';
import { page as bulletin } from './bulletin.ts';
import { page as inbox } from './inbox.ts';
import { page as multiples } from './multiples.ts';
import { page as overview } from './overview.ts';
import { page as quality } from './quality.ts';
import { page as series } from './series.ts';
import { page as syndromes } from './syndromes.ts';

/** Every page of the application, in navigation order. */
export const pages: Page[] = [overview, inbox, series, multiples, quality, syndromes, bulletin];
