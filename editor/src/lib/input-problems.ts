// A refused decision input (BAD_INPUT) on the console's form: which form field each detail is
// about and the name the form gives it, so that every problem is listed at once in the reader's
// language and shown beside its own field. Fields are JSON Pointers into the body sent
// (`/input/answers/3`); the form's are into the input (`/answers`).
import { inputDetail, inputFactsFrom } from './detail-messages.ts';
import type { Field } from './form.ts';
import { localise, type Lang } from './labels.ts';

const INPUT = '/input';

function segments(pointer: string): string[] {
  const inner = pointer === INPUT || pointer.startsWith(`${INPUT}/`) ? pointer.slice(INPUT.length) : pointer;
  return inner === '' ? [] : inner.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The deepest form field a pointer lies in, the labels on the way to it, and the segments past it. */
export function fieldAt(fields: readonly Field[], pointer: string): { field?: Field; labels: Field[]; rest: string[] } {
  const path = segments(pointer);
  const labels: Field[] = [];
  let list: readonly Field[] = fields;
  let field: Field | undefined;
  let i = 0;
  for (; i < path.length; i++) {
    const next = list.find((f) => f.key === path[i]);
    if (!next) break;
    field = next;
    labels.push(next);
    if (next.type !== 'group') { i++; break; }
    list = next.children;
  }
  return { ...(field ? { field } : {}), labels, rest: path.slice(i) };
}

/** A field as the form names it: "客户 · 风险等级", "答卷 · 3"; the whole input when the pointer names none. */
export function fieldName(fields: readonly Field[], lang: Lang): (pointer: string) => string {
  return (pointer) => {
    const { labels, rest } = fieldAt(fields, pointer);
    const names = [...labels.map((f) => localise(f.label, lang, f.key)), ...rest];
    return names.length > 0 ? names.join(' · ') : lang === 'zh' ? '输入' : 'input';
  };
}

export interface InputProblemView {
  /** JSON Pointer of the form field it belongs beside (`/answers`), when the form has one. */
  at?: string;
  text: string;
}

/** Every detail of a BAD_INPUT, said in `lang`, with the form field it belongs beside. */
export function inputProblems(details: unknown, fields: readonly Field[], lang: Lang): InputProblemView[] {
  const name = fieldName(fields, lang);
  return inputFactsFrom(details).map((d) => {
    const { field } = fieldAt(fields, d.field);
    return { ...(field ? { at: '/' + field.path.join('/') } : {}), text: inputDetail(lang, d, name) };
  });
}
