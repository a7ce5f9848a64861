// Outputs that follow from a few ids alone (a class's service package, a non-VIP's tier, a value
// segment's grid cell and criteria) are built once per compiled policy and shared, frozen; a batch
// writes the JSON of each only once (jsonOf). Most of a client profile's bytes are such parts.
const LIMIT = 4096;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Values built once per key and shared, frozen. Past LIMIT keys (never, for the shipped policies) they are built afresh. */
export class Interned<T extends object> {
  private readonly values = new Map<string, T>();

  get(key: string, build: () => T): T {
    const known = this.values.get(key);
    if (known !== undefined) return known;
    const value = build();
    if (this.values.size < LIMIT) this.values.set(key, deepFreeze(value));
    return value;
  }
}

const json = new WeakMap<object, string>();

/** JSON.stringify, remembered for frozen objects (an interned value never changes). */
export function jsonOf(value: unknown): string {
  if (value === null || typeof value !== 'object' || !Object.isFrozen(value)) return JSON.stringify(value);
  let text = json.get(value);
  if (text === undefined) json.set(value, (text = JSON.stringify(value)));
  return text;
}

const utf8 = new WeakMap<object, Buffer>();

/** jsonOf as UTF-8, remembered likewise: batch answers copy these bytes instead of encoding them again (json-bytes.ts). */
export function jsonBytesOf(value: object): Buffer {
  let bytes = utf8.get(value);
  if (bytes === undefined) utf8.set(value, (bytes = Buffer.from(jsonOf(value), 'utf8')));
  return bytes;
}

/**
 * An object's JSON (as JSON.stringify writes it), member by member when some members are frozen,
 * so that those are written from memory: a client profile's decisions, for instance.
 */
export function outputJson(value: Record<string, unknown>): string {
  if (Object.isFrozen(value)) return jsonOf(value);
  let shared = false;
  for (const key in value) {
    const v = value[key];
    if (v !== null && typeof v === 'object' && Object.isFrozen(v)) {
      shared = true;
      break;
    }
  }
  if (!shared) return JSON.stringify(value);
  let out = '{';
  for (const key in value) {
    const v = value[key];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(key) + ':' + jsonOf(v);
  }
  return out + '}';
}
