// The interface's own words in Chinese (default) and English. Policy content is never here:
// classes, tiers, kinds and bounds are named by the policies' labels. Error advice says what to
// do next, keyed by the API's stable error codes.
import type { Lang } from './labels.ts';
import { en } from './messages-en.ts';
import { zh, type MessageKey } from './messages-zh.ts';

export type { MessageKey };

export const MESSAGES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { zh, en };

export function format(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function translate(lang: Lang, key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  return format(MESSAGES[lang][key] ?? String(key), params);
}

/** The advice for an API error code: what happened and what to do. */
export function adviceKey(code: string): MessageKey {
  const key = `error.${code}`;
  if (key in zh) return key as MessageKey;
  if (code === 'TOO_MANY_REQUESTS') return 'error.RATE_LIMITED';
  return 'error.other';
}
