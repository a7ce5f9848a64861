// Child process of crash.test.ts: opens the store named in ZHIDU_CRASH_STORE (JSON StoreOptions)
// and publishes and records decisions in a loop until it is killed. Between the writes of each
// publish it prints `step <name>` and pauses, so the parent's SIGKILL lands inside the
// transaction; `acked <id>` is printed only after a decision record is durable.
import { randomUUID } from 'node:crypto';
import { openStore } from '../../src/store/store.ts';
import { classificationWithThreshold, fixtureValidator } from './fixture.ts';

const options = JSON.parse(process.env.ZHIDU_CRASH_STORE ?? '{}') as { databaseUrl?: string; dataDir?: string };
// Long enough for the parent's SIGKILL to arrive before the next write, short enough to be quick.
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 15));

const store = await openStore({
  ...options,
  validateSet: fixtureValidator,
  step: async (name) => {
    process.stdout.write(`step ${name}\n`);
    await pause();
  },
});
process.stdout.write('ready\n');
for (let i = 1; ; i++) {
  const revision = await store.revisions.publish({
    documents: { classification: classificationWithThreshold((2 + (i % 20) / 10).toFixed(1)) },
    actor: `crash-child:${process.pid}`,
    note: `loop ${i}`,
    force: true,
  });
  process.stdout.write(`published ${revision.id}\n`);
  const decisionId = randomUUID();
  await store.decisions.record({
    decisionId, revisionId: revision.id, revisionHash: revision.hash, decision: 'classification',
    input: { assets: i * 1000, turnover: 2 }, output: { class: 'G' }, caller: 'crash-child',
  });
  process.stdout.write(`acked ${decisionId}\n`);
}
