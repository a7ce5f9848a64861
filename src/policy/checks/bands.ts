// Shared check for ordered numeric bands (asset tiers, score bands, grades): in order,
// no gaps, no overlaps, covering exactly the range they must cover.
import type { Problem } from '../diagnostics.ts';

export interface Band {
  id: string;
  min: number;
  /** Omitted on the top band when the range is open-ended. */
  max?: number;
  /** JSON Pointer of the band (its min is at `${path}/min`, its max at `${path}/max`). */
  path: string;
}

export interface BandRules {
  /** Where the first band must start. */
  from: number;
  /** Where the last band must end; Infinity = open-ended (the last band omits max). */
  to: number;
  /** Integer bands with inclusive max (12–19, 20–29): the next min is max + 1. Otherwise [min, max). */
  inclusive?: boolean;
  /** What the bands are called in messages. */
  noun: string;
}

export function checkBands(bands: readonly Band[], rules: BandRules): Problem[] {
  const problems: Problem[] = [];
  if (bands.length === 0) return problems;
  const step = rules.inclusive ? 1 : 0;
  // Order first: a band listed below a lower one is reported once, and gaps and overlaps are
  // then judged in ascending order so that one misplaced band is not reported three times.
  bands.forEach((band, i) => {
    const prev = bands[i - 1];
    if (prev && band.min < prev.min) {
      problems.push({ path: `${band.path}/min`, code: 'TIER_ORDER', message: `${rules.noun} "${band.id}" starts at ${band.min}, below "${prev.id}" (${prev.min}); list them lowest first.`, params: { reason: 'startsBelow', id: band.id, min: band.min, other: prev.id, otherMin: prev.min } });
    }
    if (band.max !== undefined && (rules.inclusive ? band.max < band.min : band.max <= band.min)) {
      problems.push({ path: `${band.path}/max`, code: 'TIER_ORDER', message: `${rules.noun} "${band.id}" ends (${band.max}) before it starts (${band.min}).`, params: { reason: 'endsBeforeStart', id: band.id, min: band.min, max: band.max } });
    }
  });
  const sorted = [...bands].sort((a, b) => a.min - b.min);
  sorted.forEach((band, i) => {
    const next = sorted[i + 1];
    if (!next) return;
    if (band.max === undefined) {
      problems.push({ path: band.path, code: 'TIER_OVERLAP', message: `${rules.noun} "${band.id}" has no upper bound but "${next.id}" lies above it; only the last may be open-ended.`, atKey: true, params: { reason: 'openNotLast', id: band.id, other: next.id } });
    } else if (next.min > band.max + step) {
      problems.push({
        path: `${next.path}/min`, code: 'TIER_GAP',
        message: `Gap between ${rules.noun} "${band.id}" (ends ${band.max}) and "${next.id}" (starts ${next.min}): ${rules.inclusive ? `${band.max + 1} to ${next.min - 1}` : `[${band.max}, ${next.min})`} has no ${rules.noun}.`,
        params: { reason: 'gap', id: band.id, max: band.max, other: next.id, otherMin: next.min, inclusive: Boolean(rules.inclusive) },
      });
    } else if (next.min < band.max + step) {
      problems.push({ path: `${next.path}/min`, code: 'TIER_OVERLAP', message: `${rules.noun} "${next.id}" starts at ${next.min}, inside "${band.id}" (ends ${band.max}).`, params: { reason: 'overlap', id: next.id, min: next.min, other: band.id, otherMax: band.max } });
    }
  });
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  if (first.min !== rules.from) {
    problems.push({ path: `${first.path}/min`, code: 'TIER_COVERAGE', message: `The first ${rules.noun} must start at ${rules.from}; "${first.id}" starts at ${first.min}.`, params: { reason: 'firstStart', id: first.id, min: first.min, from: rules.from } });
  }
  if (rules.to === Infinity) {
    if (last.max !== undefined) problems.push({ path: `${last.path}/max`, code: 'TIER_COVERAGE', message: `The last ${rules.noun} "${last.id}" must have no upper bound, so that every value is covered; remove max.`, params: { reason: 'lastOpen', id: last.id, max: last.max } });
  } else if (last.max !== rules.to) {
    problems.push({
      path: last.max === undefined ? last.path : `${last.path}/max`, code: 'TIER_COVERAGE', message: `The last ${rules.noun} must end at ${rules.to}; "${last.id}" ends at ${last.max ?? 'no limit'}.`, atKey: last.max === undefined,
      params: { reason: 'lastEnd', id: last.id, max: last.max ?? null, to: rules.to },
    });
  }
  return problems;
}
