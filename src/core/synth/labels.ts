/**
 * The ground truth of a synthetic day, kept out of the XML: the true regime of every KST session minute
 * and the simulated KOSPI200 at the end of it, as CSV (`date,minute,regime,close`).
 */
import type { IsoDate } from '../market/kst.ts';
import type { MinuteLabel } from './generate-day.ts';

export const LABELS_HEADER = 'date,minute,regime,close';

export function labelsFileName(date: IsoDate): string {
  return `labels_${date.replace(/-/g, '')}.csv`;
}

export function labelsCsv(date: IsoDate, labels: readonly MinuteLabel[]): string {
  return `${LABELS_HEADER}\n${labels.map((l) => `${date},${l.minute},${l.regime},${l.close.toFixed(2)}`).join('\n')}\n`;
}
