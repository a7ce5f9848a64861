// A few DOM helpers instead of a framework: element building, busy buttons with progress,
// error boxes that say what to do, and a confirmation dialog that says what an action will do.
import { ApiError } from './api.ts';
import { problemsFrom } from './lib/markers.ts';

export type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (name === 'class') el.className = String(value);
    else if (name in el && typeof value !== 'string' && name !== 'style') (el as unknown as Record<string, unknown>)[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A progress line for long work: an indeterminate bar with a message, announced to screen readers. */
export function progress(message: string): HTMLElement {
  return h('div', { class: 'progress', role: 'status', 'aria-live': 'polite' }, h('div', { class: 'bar' }, h('span')), h('span', {}, message));
}

/** Runs work with the button disabled and a spinner on it; resolves to the work's result. */
export async function busy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T> {
  const label = button.textContent;
  button.disabled = true;
  button.classList.add('busy');
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.classList.remove('busy');
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

export interface ErrorText { advice: string; detail: string }

/** An error detail without a message of its own as words: `kind: classification · baseRevision: 1`, never raw JSON. */
export function detailText(d: unknown): string {
  if (d === null || typeof d !== 'object') return String(d);
  const r = d as Record<string, unknown>;
  if (typeof r.message === 'string') return r.message;
  return Object.entries(r).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)).map(([k, v]) => `${k}: ${String(v)}`).join(' · ');
}

/**
 * An error box: the advice first (what to do), the server's own words after it. `describe`
 * names a detail the caller understands (a path by its label, a proposal with a link).
 */
export function errorBox(err: unknown, text: (e: ApiError | undefined) => ErrorText, describe?: (detail: unknown) => Child | undefined): HTMLElement {
  const api = err instanceof ApiError ? err : undefined;
  const { advice, detail } = text(api);
  const items = api && problemsFrom(api.details).length === 0 ? api.details.slice(0, 10).map((d) => describe?.(d) ?? detailText(d)).filter((x) => x !== '' && x !== null && x !== undefined && x !== false) : [];
  const extra = items.length > 0 ? h('ul', {}, items.map((x) => h('li', {}, x))) : null;
  return h('div', { class: 'notice error', role: 'alert', 'data-code': api?.code }, h('strong', {}, advice), detail ? h('div', { class: 'detail' }, detail) : null, extra);
}

export interface ConfirmOptions {
  title: string;
  /** What will happen, in full: the dialog is where the reader decides. */
  body: (Child | Child[])[];
  confirm: string;
  cancel: string;
  /** `danger` for what cannot be undone by the same person (reject, withdraw): Cancel has the focus. */
  tone?: 'primary' | 'danger';
  id?: string;
}

/**
 * Asks before an action, in a modal <dialog> that says what will happen. The work runs while
 * the dialog stays open with its confirm button busy, so a double click acts once; it closes
 * when the work is done (its result returned) or is cancelled (undefined). Errors are the
 * caller's to show: the dialog closes and the work's error is thrown.
 */
export function confirmThen<T>(options: ConfirmOptions, work: () => Promise<T>): Promise<T | undefined> {
  const ok = h('button', { type: 'button', class: options.tone === 'danger' ? 'danger' : 'primary', id: 'confirm-ok' }, options.confirm);
  const cancel = h('button', { type: 'button', id: 'confirm-cancel' }, options.cancel);
  const titleId = `${options.id ?? 'confirm'}-title`;
  const dialog = h('dialog', { class: 'confirm', id: options.id ?? 'confirm-dialog', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, options.title),
    h('div', { class: 'confirm-body' }, ...options.body),
    h('div', { class: 'actions' }, ok, cancel));
  document.body.append(dialog);
  return new Promise<T | undefined>((resolve, reject) => {
    let running = false;
    const close = (): void => { dialog.close(); dialog.remove(); };
    dialog.addEventListener('cancel', (e) => { if (running) { e.preventDefault(); return; } close(); resolve(undefined); });
    cancel.addEventListener('click', () => { if (running) return; close(); resolve(undefined); });
    ok.addEventListener('click', () => {
      if (running) return;
      running = true;
      cancel.disabled = true;
      void busy(ok, work).then((value) => { close(); resolve(value); }, (err: unknown) => { close(); reject(err); });
    });
    dialog.showModal();
    (options.tone === 'danger' ? cancel : ok).focus();
  });
}

export function notice(kind: 'ok' | 'info' | 'warn', message: string | Node): HTMLElement {
  return h('div', { class: `notice ${kind}`, role: kind === 'warn' ? 'alert' : 'status' }, message);
}

export function formatTime(iso: string | undefined, lang: 'zh' | 'en'): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** `<input type=datetime-local>` value → ISO instant, or undefined when empty. */
export function isoFromLocal(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** A labelled form control; the label wraps the control so a click focuses it. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control, hint ? h('span', { class: 'hint' }, hint) : null);
}

/** Debounces calls, keeping only the last. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/**
 * Saves a Blob as a file: a temporary link to an object URL with `download`, clicked once. The
 * URL is released a minute later (a browser still writing the file needs it a moment longer).
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
