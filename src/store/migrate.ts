// Versioned schema migrations: src/store/migrations/NNN_name.sql, applied in order, each
// recorded in zhidu_migrations. All of it runs in one transaction under an advisory lock, so
// two processes starting at once on one database apply each migration exactly once.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { migrationTransaction, type Db } from './db.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const MIGRATION_FILE = /^(\d{3})_([a-z0-9_-]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function knownMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .map((file) => ({ file, match: MIGRATION_FILE.exec(file) }))
    .filter((m): m is { file: string; match: RegExpExecArray } => m.match !== null)
    .map(({ file, match }) => ({ version: Number(match[1]), name: match[2] ?? file, sql: readFileSync(`${dir}${file}`, 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/** Brings the database up to the newest migration; returns the versions it applied. */
export async function migrate(db: Db, migrations: readonly Migration[] = knownMigrations()): Promise<number[]> {
  return migrationTransaction(db, async (tx) => {
    await tx.exec(`create table if not exists zhidu_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const { rows } = await tx.query<{ version: number }>('select version from zhidu_migrations order by version');
    const applied = new Set(rows.map((r) => r.version));
    const newest = migrations.at(-1)?.version ?? 0;
    const ahead = rows.find((r) => r.version > newest);
    if (ahead) {
      throw new Error(`The database is at schema version ${ahead.version}, newer than this zhidu knows (${newest}); upgrade zhidu.`);
    }
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('insert into zhidu_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      done.push(m.version);
    }
    return done;
  });
}
