// Audit checkpoints: the chain's head (seq and hash) at an instant, signed with the integrity key
// (Ed25519) when the store has it, to be kept where the database's administrators cannot write.
// Checked later against the trail (`zhidu audit verify --against FILE`), a checkpoint shows what
// the chain cannot show from inside: entries removed from its end (the checkpoint's seq is gone)
// and a chain recomputed from some entry on (the checkpoint's entry hashes differently). Its
// signature, checked with a public key the verifier trusts, shows the checkpoint itself is genuine.
import { sign, verify, type KeyObject } from 'node:crypto';
import { ZhiduError } from '../errors.ts';
import { canonicalJson } from '../policy/hash.ts';
import type { AuditTrail } from './audit.ts';
import { keyIdOf, type IntegrityKey, type IntegrityProblem } from './integrity.ts';

export const CHECKPOINT_FORMAT = 'zhidu.audit-checkpoint/1';

export interface CheckpointSignature {
  readonly alg: 'Ed25519';
  /** The signing key's id (integrity.ts keyIdOf). */
  readonly keyId: string;
  /** For information: a verifier checks with the public key it trusts, not this one. */
  readonly publicKey: string;
  /** Base64 signature over the canonical JSON of format, seq, hash and at. */
  readonly value: string;
}

export interface Checkpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  /** The head entry's seq (0: the trail was empty). */
  readonly seq: number;
  /** The head entry's hash ('' when the trail was empty). */
  readonly hash: string;
  /** When the checkpoint was taken (ISO-8601). */
  readonly at: string;
  readonly signature?: CheckpointSignature;
}

function signedBytes(c: Pick<Checkpoint, 'format' | 'seq' | 'hash' | 'at'>): Buffer {
  return Buffer.from(canonicalJson({ format: c.format, seq: c.seq, hash: c.hash, at: c.at }), 'utf8');
}

/** A checkpoint of `head`, signed when a key is given. */
export function makeCheckpoint(head: { seq: number; hash: string } | undefined, at: Date, key?: IntegrityKey): Checkpoint {
  const body = { format: CHECKPOINT_FORMAT, seq: head?.seq ?? 0, hash: head?.hash ?? '', at: at.toISOString() } as const;
  if (!key) return body;
  return {
    ...body,
    signature: {
      alg: 'Ed25519', keyId: key.keyId,
      publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }).toString().trim(),
      value: sign(null, signedBytes(body), key.privateKey).toString('base64'),
    },
  };
}

function bad(source: string, field: string, message: string): ZhiduError {
  return new ZhiduError('BAD_INPUT', `${source}: ${field ? `${field}: ` : ''}${message}`, [{ field, message }]);
}

/** Reads a checkpoint from its JSON text; BAD_INPUT naming the field that is wrong. */
export function parseCheckpoint(text: string, source = 'checkpoint'): Checkpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad(source, '', 'not JSON.');
  }
  const c = value as Record<string, unknown> | null;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw bad(source, '', 'not a JSON object.');
  if (c.format !== CHECKPOINT_FORMAT) throw bad(source, 'format', `must be "${CHECKPOINT_FORMAT}".`);
  if (!Number.isInteger(c.seq) || (c.seq as number) < 0) throw bad(source, 'seq', 'must be a whole number ≥ 0.');
  if (typeof c.hash !== 'string' || (c.seq === 0 ? c.hash !== '' : !/^sha256:[0-9a-f]{64}$/.test(c.hash))) throw bad(source, 'hash', 'must be the head entry\'s sha256 hash.');
  if (typeof c.at !== 'string' || Number.isNaN(new Date(c.at).getTime())) throw bad(source, 'at', 'must be an ISO-8601 instant.');
  const checkpoint: Checkpoint = { format: CHECKPOINT_FORMAT, seq: c.seq as number, hash: c.hash, at: c.at };
  if (c.signature === undefined) return checkpoint;
  const s = c.signature as Record<string, unknown> | null;
  if (s === null || typeof s !== 'object' || s.alg !== 'Ed25519' || typeof s.keyId !== 'string' || typeof s.publicKey !== 'string' || typeof s.value !== 'string') {
    throw bad(source, 'signature', 'must be {alg: "Ed25519", keyId, publicKey, value}.');
  }
  return { ...checkpoint, signature: { alg: 'Ed25519', keyId: s.keyId, publicKey: s.publicKey, value: s.value } };
}

export interface CheckpointCheck {
  readonly problems: readonly IntegrityProblem[];
  /** What could not be checked (an unsigned checkpoint, no trusted key): said, not failed. */
  readonly notes: readonly string[];
}

function problem(c: Checkpoint, code: 'truncated' | 'rewritten' | 'signature', message: string): IntegrityProblem {
  return { kind: 'checkpoint', id: c.seq, problem: code, message };
}

/**
 * The checkpoint's own signature, against the public key the verifier trusts. Where there is such
 * a key, an unsigned checkpoint is refused: whoever could replace a signed one could drop its signature.
 */
export function checkSignature(c: Checkpoint, trusted: KeyObject | undefined): CheckpointCheck {
  if (!c.signature && trusted) {
    return { problems: [problem(c, 'signature', `the checkpoint of ${c.at} is not signed, but checkpoints are checked with key ${keyIdOf(trusted)}.`)], notes: [] };
  }
  if (!c.signature) return { problems: [], notes: [`the checkpoint of ${c.at} is not signed: it is only as good as where it was kept.`] };
  if (!trusted) return { problems: [], notes: [`the checkpoint of ${c.at} is signed by key ${c.signature.keyId}, but no public key was given to check it with.`] };
  const trustedId = keyIdOf(trusted);
  if (c.signature.keyId !== trustedId) {
    return { problems: [problem(c, 'signature', `the checkpoint of ${c.at} says it is signed by key ${c.signature.keyId}, not the trusted key ${trustedId}.`)], notes: [] };
  }
  let valid = false;
  try {
    valid = verify(null, signedBytes(c), trusted, Buffer.from(c.signature.value, 'base64'));
  } catch { /* a malformed signature is an invalid one */ }
  if (!valid) return { problems: [problem(c, 'signature', `the checkpoint of ${c.at} does not verify with key ${trustedId}: the checkpoint was altered or forged.`)], notes: [] };
  return { problems: [], notes: [] };
}

/**
 * The trail against a checkpoint taken of it earlier: the checkpoint's entry must still be there,
 * with the hash it had; and the checkpoint's own signature must verify with the trusted key.
 */
export async function checkAgainst(c: Checkpoint, audit: AuditTrail, trusted: KeyObject | undefined): Promise<CheckpointCheck> {
  const signature = checkSignature(c, trusted);
  const problems = [...signature.problems];
  if (c.seq > 0) {
    const entry = await audit.entry(c.seq);
    if (!entry) {
      const head = await audit.head();
      problems.push(problem(c, 'truncated',
        `the checkpoint of ${c.at} names audit entry ${c.seq}, but the trail ends at ${head?.seq ?? 0}: entries were removed from its end.`));
    } else if (entry.hash !== c.hash) {
      problems.push(problem(c, 'rewritten',
        `audit entry ${c.seq} hashes to ${entry.hash}, but the checkpoint of ${c.at} recorded ${c.hash}: the trail up to it was rewritten.`));
    }
  }
  return { problems, notes: signature.notes };
}
