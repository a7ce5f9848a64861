// `zhidu recalibrate`: a draft classification document with the threshold recalibrated from
// yearly figures (--turnovers a,b,c) or per-client yearly rows (--rows FILE.csv). Writes the
// draft to --out (or stdout) and publishes nothing.
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse';
import type { ClassificationDoc } from '../policy/model/classification.ts';
import { loadPolicyDir } from '../policy/policy-set.ts';
import { formatDiagnostic } from '../policy/diagnostics.ts';
import { recalibrate, yearlyAverages, type ClientYearRow, type YearFigure } from '../policy/recalibrate.ts';
import { EXIT, UsageError, type CliIo } from './io.ts';

export interface RecalibrateOptions {
  rules: string;
  turnovers?: string;
  rows?: string;
  out?: string;
  /** First year of --turnovers (default: the three years before this one). */
  fromYear?: string;
}

async function readClientRows(path: string): Promise<YearFigure[]> {
  const rows: ClientYearRow[] = [];
  const num = (v: string | undefined, column: string, line: number): number | undefined => {
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${path} line ${line}: ${column} "${v}" is not a non-negative number.`);
    return n;
  };
  const parser = createReadStream(path).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, info: true }));
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    const year = num(record.year, 'year', info.lines);
    if (year === undefined) throw new Error(`${path} line ${info.lines}: year is missing.`);
    const row: ClientYearRow = { year };
    const turnover = num(record.turnover, 'turnover', info.lines);
    const tradingVolume = num(record.tradingVolume, 'tradingVolume', info.lines);
    const averageAssets = num(record.averageAssets, 'averageAssets', info.lines);
    if (turnover !== undefined) row.turnover = turnover;
    if (tradingVolume !== undefined) row.tradingVolume = tradingVolume;
    if (averageAssets !== undefined) row.averageAssets = averageAssets;
    if (turnover === undefined && (tradingVolume === undefined || averageAssets === undefined)) {
      throw new Error(`${path} line ${info.lines}: give turnover, or tradingVolume and averageAssets.`);
    }
    rows.push(row);
  }
  return yearlyAverages(rows);
}

export async function runRecalibrate(options: RecalibrateOptions, io: CliIo): Promise<number> {
  if ((options.turnovers === undefined) === (options.rows === undefined)) throw new UsageError('give exactly one of --turnovers a,b,c or --rows FILE.csv');
  const loaded = loadPolicyDir(options.rules);
  const doc = loaded.set.documents.get('classification');
  if (!loaded.valid || !doc) {
    for (const d of loaded.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
    return EXIT.NO;
  }
  let figures: YearFigure[];
  if (options.turnovers !== undefined) {
    const values = options.turnovers.split(',').map((s) => Number(s.trim()));
    if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new UsageError(`--turnovers "${options.turnovers}" must be non-negative numbers separated by commas`);
    const first = options.fromYear ? Number(options.fromYear) : new Date().getFullYear() - values.length;
    figures = values.map((turnover, i) => ({ year: first + i, turnover }));
  } else {
    try { figures = await readClientRows(options.rows!); } catch (err) {
      io.stderr.write(`BAD_INPUT ${(err as Error).message}\n`);
      return EXIT.NO;
    }
  }
  let result;
  try {
    result = recalibrate(readFileSync(doc.file, 'utf8'), doc.value as unknown as ClassificationDoc, figures);
  } catch (err) {
    io.stderr.write(`BAD_INPUT ${(err as Error).message}\n`);
    return EXIT.NO;
  }
  if (options.out) writeFileSync(options.out, result.text);
  else io.stdout.write(result.text);
  const years = result.years.map((y) => `${y.year}: ${Math.round(y.turnover * 10000) / 10000}`).join(', ');
  io.stderr.write(`Draft threshold ${result.threshold} (was ${result.previous}), the mean of ${years}. Nothing was published.\n`);
  return EXIT.OK;
}
