// One batch worker thread (started by worker-pool.ts): compiles the policy once from the texts
// it is given, then answers chunks of a batch (chunk-answerer.ts) as they come.
import { parentPort, workerData } from 'node:worker_threads';
import { applyOverride } from '../policy/override.ts';
import { isPolicyKind, type PolicyKind } from '../policy/kinds.ts';
import type { PolicyDocument, PolicySet } from '../policy/policy-set.ts';
import { decodePolicyBytes, parsePolicyYaml } from '../policy/yaml.ts';
import { ChunkAnswerer } from './chunk-answerer.ts';
import { CompiledPolicy } from './compile.ts';
import type { Chunk, WorkerSetup } from './worker-pool.ts';

const setup = workerData as WorkerSetup;

/**
 * The main thread has loaded and checked these very bytes before any chunk comes, so a worker
 * only parses them (the YAML positions are needed for traces); an override is applied, and
 * checked, as usual.
 */
function compile(): CompiledPolicy {
  const documents = new Map<PolicyKind, PolicyDocument>();
  for (const { file, text: raw } of setup.texts) {
    const text = typeof raw === 'string' ? raw : decodePolicyBytes(raw).text;
    const parsed = text === undefined ? undefined : parsePolicyYaml(text);
    const kind = (parsed?.value as { kind?: unknown } | undefined)?.kind;
    if (!parsed || parsed.problems.length > 0 || !isPolicyKind(kind)) throw new Error(`${file} does not load`);
    documents.set(kind, { kind, file, text: text!, value: parsed.value as Record<string, unknown>, source: parsed.source });
  }
  let set: PolicySet = { documents };
  if (setup.override) {
    const applied = applyOverride(set, setup.override.text, setup.override.file);
    if (!applied.valid) throw new Error(`the override does not apply: ${applied.diagnostics[0]?.message ?? ''}`);
    set = applied.effective;
  }
  return CompiledPolicy.compile(set);
}

const answerer = new ChunkAnswerer(compile(), setup);

parentPort!.on('message', (message: Chunk | { recycle: ArrayBuffer }) => {
  if ('recycle' in message) {
    answerer.recycle(message.recycle);
    return;
  }
  answerer.answer(message).then(
    (a) => parentPort!.postMessage(a, [a.ndjson.buffer as ArrayBuffer]),
    (err: unknown) => parentPort!.postMessage({ id: message.id, crashed: String(err) }),
  );
});
parentPort!.postMessage({ ready: true });
