import type { Page } from '../contract.ts';
import { page as series } from './series.ts';
import { page as multiples } from './multiples.ts';

/** Every page of the application, in navigation order. Each helper adds its page here. */
export const pages: Page[] = [series, multiples];
