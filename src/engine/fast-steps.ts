// Decisions evaluate as generators of steps: a step yields a Promise only when it must wait
// (json-rules-engine, behind every trace), and otherwise runs straight through. So a decision
// without explain completes synchronously on the fast path, with no Promise per decision or
// per rule set, while `await` semantics (values back, rejections thrown at the yield) are kept.

/** An evaluation that may pause on Promises; `yield*` one Steps inside another like `await`. */
export type Steps<T> = Generator<Promise<unknown>, T, unknown>;

/** A step that waits for `promise` (json-rules-engine's run) and gives back its value. */
export function* waitFor<T>(promise: Promise<T>): Steps<T> {
  return (yield promise) as T;
}

/** Thrown by runSync when an evaluation would have to wait. */
export class WouldWaitError extends Error {
  constructor(what: string) {
    super(`${what} cannot complete synchronously: a rule set runs on json-rules-engine (explain, or rules outside the fast path)`);
    this.name = 'WouldWaitError';
  }
}

/** Run to the end without waiting; throws WouldWaitError (and abandons the run) if a step yields. */
export function runSync<T>(steps: Steps<T>, what: string): T {
  const first = steps.next();
  if (first.done) return first.value;
  first.value.catch(() => undefined); // the abandoned wait must not surface as an unhandled rejection
  steps.return(undefined as never);
  throw new WouldWaitError(what);
}

/** Run to the end, awaiting each step that yields: the `await` equivalent of runSync. */
export async function runAsync<T>(steps: Steps<T>): Promise<T> {
  let step = steps.next();
  while (!step.done) {
    let value: unknown;
    try {
      value = await step.value;
    } catch (err) {
      step = steps.throw(err);
      continue;
    }
    step = steps.next(value);
  }
  return step.value;
}
