// What makes stored content checkable where it is read (docs/integrity.md). Rows that decide
// something carry a seal taken as they are written: without a key, a plain sha256 of the row's
// content (it catches edits made without knowing the scheme); with the integrity key, an HMAC
// that no one without the key can recompute. The key is an Ed25519 private key the operator keeps
// outside the database: its HKDF-derived secret keys the seals, and the key itself signs audit
// checkpoints (checkpoint.ts). This module owns the key, the seals, the canonical text they are
// taken over, and the one error a failed check becomes; seals.ts says what each kind is sealed over.
import { createHash, createHmac, createPrivateKey, createPublicKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ZhiduError } from '../errors.ts';
import type { Db, Sql } from './db.ts';

export interface IntegrityKey {
  /** Names the key in seals and checkpoints: the first 16 hex digits of the sha256 of its public key (SPKI DER). */
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The seals' HMAC secret, derived from the private key and never stored. */
  readonly macKey: Buffer;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** The integrity key from PEM text (`openssl genpkey -algorithm ed25519`). */
export function integrityKeyFrom(pem: string | Buffer): IntegrityKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`the integrity key must be an Ed25519 private key, not ${privateKey.asymmetricKeyType ?? 'a symmetric key'}`);
  }
  const publicKey = createPublicKey(privateKey);
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const macKey = Buffer.from(hkdfSync('sha256', seed, 'zhidu', 'row seals v1', 32));
  return { keyId: keyIdOf(publicKey), privateKey, publicKey, macKey };
}

/** Reads the key file named by ZHIDU_INTEGRITY_KEY_FILE; the error names the file, never its content. */
export function readIntegrityKey(file: string): IntegrityKey {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new Error(`ZHIDU_INTEGRITY_KEY_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return integrityKeyFrom(pem);
  } catch (err) {
    throw new Error(`ZHIDU_INTEGRITY_KEY_FILE: ${file} does not hold an Ed25519 private key in PEM: ${(err as Error).message}`);
  }
}

/** A public key to check checkpoint signatures with, from a PEM file holding it (or its private key). */
export function readPublicKey(file: string): KeyObject {
  const pem = readFileSync(file);
  const key = /PRIVATE KEY/.test(pem.toString('latin1')) ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} holds an ${key.asymmetricKeyType} key, not an Ed25519 one`);
  return key;
}

/**
 * JSON text with object keys sorted: what `canonicalJson(JSON.parse(JSON.stringify(value)))`
 * (policy/hash.ts) gives, without the round trip. A value written to a jsonb column and read back
 * has the same text, so a seal taken before the write holds after the read. Every decision record
 * goes through this, so it skips what costs: a sort of keys already in order, quoting a string
 * with nothing to escape, quoting the same key again (a test holds it to the plain definition).
 */
export function canonicalText(value: unknown): string {
  return canonical(value) ?? 'null';
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const KEY_TEXTS_LIMIT = 10_000;
const keyTexts = new Map<string, string>();

function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = `${JSON.stringify(key)}:`;
    if (keyTexts.size < KEY_TEXTS_LIMIT) keyTexts.set(key, text);
  }
  return text;
}

function canonical(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (canonical(value[i]) ?? 'null');
        return `${out}]`;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonical((value as { toJSON(): unknown }).toJSON());
      const keys = Object.keys(value);
      for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1]! > keys[i]!) {
          keys.sort();
          break;
        }
      }
      let out = '{';
      for (const key of keys) {
        const text = canonical((value as Record<string, unknown>)[key]);
        if (text === undefined) continue;
        out += (out.length === 1 ? '' : ',') + keyText(key) + text;
      }
      return `${out}}`;
    }
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    default:
      return undefined;
  }
}

/** What a seal is taken over: the kind, then the row's fields as canonical JSON. */
export function sealForm(kind: string, fields: Readonly<Record<string, unknown>>): string {
  return `zhidu.${kind}.v1\n${canonicalText(fields)}`;
}

/**
 * An instant as text to the microsecond, as the database keeps it. Seals and audit anchors
 * compare this text, so an instant moved by less than a millisecond no longer matches.
 */
export function instantText(at: Date): string {
  return `${at.toISOString().slice(0, -1)}000Z`;
}

/** The same text for a timestamptz column, in SQL (built-ins only; the session's time zone does not matter). */
export function sqlInstant(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * How a stored seal compares with the row's content. `legacy`: no seal, accepted without a key
 * (rows written before migration 003, until `zhidu store seal`); `unchecked`: a MAC and no key to
 * check it with; `unsealed`: the key is set and the row carries no MAC made with it.
 */
export type SealState = { state: 'intact' | 'legacy' | 'unchecked' | 'altered' } | { state: 'unsealed'; why: string };

const PLAIN_PREFIX = 'sha256:';
const MAC_PREFIX = 'hmac-sha256:';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Takes and checks seals, with the integrity key or without one. */
export class Sealer {
  constructor(readonly key?: IntegrityKey) {}

  /** The seal a row gets as it is written. */
  seal(form: string): string {
    return this.key ? `${MAC_PREFIX}${this.key.keyId}:${this.hmac(form)}` : `${PLAIN_PREFIX}${sha256(form)}`;
  }

  /** A MAC alone (audit entries carry their own chain hash): none without a key. */
  mac(form: string): string | null {
    return this.key ? this.seal(form) : null;
  }

  check(stored: string | null | undefined, form: string): SealState {
    if (stored === null || stored === undefined) return this.key ? { state: 'unsealed', why: 'carries no seal made with the integrity key' } : { state: 'legacy' };
    if (stored.startsWith(PLAIN_PREFIX)) {
      if (stored.slice(PLAIN_PREFIX.length) !== sha256(form)) return { state: 'altered' };
      return this.key ? { state: 'unsealed', why: 'carries a plain hash only, taken without the integrity key' } : { state: 'intact' };
    }
    if (stored.startsWith(MAC_PREFIX)) {
      const [keyId, mac] = stored.slice(MAC_PREFIX.length).split(':');
      if (!this.key) return { state: 'unchecked' };
      if (keyId !== this.key.keyId) return { state: 'unsealed', why: `is sealed with another key (${keyId}), not the integrity key given (${this.key.keyId})` };
      const expected = Buffer.from(this.hmac(form), 'hex');
      const actual = Buffer.from(mac ?? '', 'hex');
      return actual.length === expected.length && timingSafeEqual(actual, expected) ? { state: 'intact' } : { state: 'altered' };
    }
    return { state: 'altered' };
  }

  /** Whether a stored seal is one `seal()` would not write again (none, or plain where the key is set). */
  needsSealing(stored: string | null): boolean {
    return stored === null || (this.key !== undefined && stored.startsWith(PLAIN_PREFIX));
  }

  private hmac(form: string): string {
    return createHmac('sha256', this.key!.macKey).update(form).digest('hex');
  }
}

const PLAIN_SEALER = new Sealer();

// The store's sealer travels with its database handle and every transaction begun on it, so
// whatever writes through the store seals what it writes — the audit entries that publishing and
// approving append included — without each writer being handed the key.
const sealers = new WeakMap<object, Sealer>();

export function sealerOf(sql: Sql): Sealer {
  return sealers.get(sql) ?? PLAIN_SEALER;
}

export function sealingDb(db: Db, sealer: Sealer): Db {
  const sealed: Db = {
    engine: db.engine,
    query: (text, params) => db.query(text, params),
    exec: (text) => db.exec(text),
    transaction: (fn) => db.transaction((tx) => {
      sealers.set(tx, sealer);
      return fn(tx);
    }),
    listen: (channel, onPayload) => db.listen(channel, onPayload),
    onReconnect: (callback) => db.onReconnect(callback),
    close: () => db.close(),
  };
  sealers.set(sealed, sealer);
  return sealed;
}

export type IntegrityKind = 'revision' | 'override' | 'token' | 'decision' | 'audit' | 'checkpoint';

/**
 * What a check found wrong. `content`: no longer what its seal or hash was taken over;
 * `unsealed`: no seal made with the key given; `anchor`: disagrees with the audit entry that
 * recorded it; `missing`: an audit entry names it and the store has none; `chain`: the audit
 * chain is broken; `truncated`, `rewritten`, `signature`: the trail against a checkpoint.
 */
export type ProblemCode = 'content' | 'unsealed' | 'anchor' | 'missing' | 'chain' | 'truncated' | 'rewritten' | 'signature';

export interface IntegrityProblem {
  readonly kind: IntegrityKind;
  readonly id: number | string;
  readonly problem: ProblemCode;
  /** What differs, where the check can tell (`role`, `effectiveFrom`, `documents.classification`). */
  readonly field?: string;
  /** A sentence naming kind, id and what differs; never a client's data. */
  readonly message: string;
}

/** A seal's verdict as a problem, if it is one. `what` names the row: `token 3`. */
export function sealProblem(kind: IntegrityKind, id: number | string, what: string, check: SealState): IntegrityProblem | undefined {
  if (check.state === 'altered') return { kind, id, problem: 'content', message: `${what}: its content no longer matches the seal taken when it was written.` };
  if (check.state === 'unsealed') return { kind, id, problem: 'unsealed', message: `${what} ${check.why}; \`zhidu store seal\` seals rows that pass their other checks.` };
  return undefined;
}

export function integrityError(problems: readonly IntegrityProblem[]): ZhiduError {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new ZhiduError('STORE_INTEGRITY', `${problems[0]!.message}${more} It is not served.`, problems);
}

/** Throws STORE_INTEGRITY naming every problem, if there is any. */
export function assertIntact(problems: readonly IntegrityProblem[]): void {
  if (problems.length > 0) throw integrityError(problems);
}
