// When a revision takes effect, in words. Revision 1 — the first-start revision, and any revision
// published "from the beginning" — takes effect at the epoch (1970-01-01T00:00:00Z): nothing came
// before it, and the reader sees 自始 / since the beginning, never a date in 1970.
import type { MessageKey } from './i18n.ts';

export type Words = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

/** In force from the beginning: at or before the epoch (the server stores revision 1 at 0). */
export function isBeginning(instant: string | number): boolean {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return Number.isFinite(ms) && ms <= 0;
}

/** An effective instant as the reader reads it: "自始" for the beginning, else the instant formatted. */
export function effectiveText(instant: string, t: Words, when: (iso: string) => string): string {
  return isBeginning(instant) ? t('timeline.sinceBeginning') : when(instant);
}
