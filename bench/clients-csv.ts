// `npx tsx bench/clients-csv.ts OUT.csv [ROWS] [full|basic] [RULES]`: synthetic client rows as CSV for
// `zhidu decide client-profile --batch` (the CLI figures in docs/performance.md). `full` rows carry
// every fact a client decision reads (all six decisions run); `basic` rows only the four of the
// in-process bench (classification, service-package and vip run; the rest are skipped).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadValidPolicyDir } from '../src/policy/policy-set.ts';
import { clientCsv, clientRecords, syntheticClients, type ClientRecord, type SyntheticClient } from './clients.ts';

const [out, rows = '1000000', fields = 'full', rules = 'rules'] = process.argv.slice(2);
if (!out || !['full', 'basic'].includes(fields)) throw new Error('usage: tsx bench/clients-csv.ts OUT.csv [ROWS] [full|basic] [RULES]');
const set = loadValidPolicyDir(rules);
const stream = createWriteStream(out);
const total = Number(rows);
const CHUNK = 50_000;
for (let done = 0; done < total; done += CHUNK) {
  // Each chunk is its own seeded population, so memory stays small at any size.
  const n = Math.min(CHUNK, total - done);
  const seed = 20261125 + done;
  const records: (SyntheticClient | ClientRecord)[] = fields === 'full' ? clientRecords(n, set, seed) : syntheticClients(n, seed);
  const lines = [...clientCsv(records)];
  for (const line of done === 0 ? lines : lines.slice(1)) if (!stream.write(line)) await once(stream, 'drain');
}
stream.end();
await once(stream, 'finish');
console.error(`${total.toLocaleString()} ${fields} client rows → ${out}`);
