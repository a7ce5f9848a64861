// Annual recalibration (seed 第六条): at year end head office sets the turnover threshold to the
// mean of the company-wide average turnover of the previous years. This produces a *draft*
// classification text in which only the threshold's value changes, byte for byte; it is never
// published by itself.
import { isScalar, parseDocument } from 'yaml';
import type { ClassificationDoc } from './model/classification.ts';

export interface YearFigure {
  year: number;
  /** Company-wide average turnover that year. */
  turnover: number;
}

export interface ClientYearRow {
  year: number;
  turnover?: number;
  tradingVolume?: number;
  averageAssets?: number;
}

/**
 * The company-wide average turnover per year from per-client rows: total trading volume over
 * total average assets where rows carry both (an asset-weighted average, as the firm's own
 * books compute it), else the mean of the clients' turnovers.
 */
export function yearlyAverages(rows: Iterable<ClientYearRow>): YearFigure[] {
  const byYear = new Map<number, { volume: number; assets: number; sum: number; n: number; weighted: boolean }>();
  for (const r of rows) {
    const y = byYear.get(r.year) ?? { volume: 0, assets: 0, sum: 0, n: 0, weighted: true };
    if (r.tradingVolume !== undefined && r.averageAssets !== undefined) {
      y.volume += r.tradingVolume;
      y.assets += r.averageAssets;
    } else {
      y.weighted = false;
    }
    const t = r.turnover ?? (r.tradingVolume !== undefined && r.averageAssets ? r.tradingVolume / r.averageAssets : 0);
    y.sum += t;
    y.n += 1;
    byYear.set(r.year, y);
  }
  return [...byYear].sort(([a], [b]) => a - b).map(([year, y]) => ({
    year,
    turnover: y.weighted ? (y.assets === 0 ? 0 : y.volume / y.assets) : y.sum / y.n,
  }));
}

export interface Recalibration {
  threshold: number;
  years: YearFigure[];
  previous: number;
  /** The classification text with only the threshold's value replaced. */
  text: string;
}

export function recalibrate(classificationText: string, doc: ClassificationDoc, figures: readonly YearFigure[]): Recalibration {
  const years = doc.recalibration?.years ?? 3;
  if (figures.length < years) throw new Error(`Recalibration needs ${years} yearly figures; got ${figures.length}.`);
  const used = [...figures].sort((a, b) => a.year - b.year).slice(-years);
  const mean = used.reduce((s, f) => s + f.turnover, 0) / used.length;
  const factor = 10 ** (doc.recalibration?.decimals ?? 2);
  const threshold = Math.round(mean * factor) / factor;
  if (!(threshold > 0)) throw new Error(`The mean turnover ${mean} gives no usable threshold (it must be above 0).`);

  const parsed = parseDocument(classificationText, { keepSourceTokens: true });
  const node = parsed.get('turnoverThreshold', true);
  if (!isScalar(node) || !node.range) throw new Error('The classification text has no turnoverThreshold value to replace.');
  const [start, end] = node.range;
  const text = classificationText.slice(0, start) + String(threshold) + classificationText.slice(end);
  return { threshold, years: used, previous: doc.turnoverThreshold, text };
}
