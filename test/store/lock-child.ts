// Child process of data-dir-lock.test.ts: opens the embedded store in ZHIDU_LOCK_DIR, says
// `ready`, and holds it until it is killed (SIGKILL: it never gets to release the lock).
import { openStore } from '../../src/store/store.ts';

const store = await openStore({ dataDir: process.env.ZHIDU_LOCK_DIR! });
process.stdout.write('ready\n');
setInterval(() => void store.ping(), 60_000);
