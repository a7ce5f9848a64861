// The effects of a publish as a table (the publish screen and its confirmation dialog), and the
// reasons an override or a proposal no longer applies as a list (the branch's screen, a
// proposal's page, the review screen's panel). The words come from lib/effects.ts.
import type { PublishEffect, SuspensionReason } from '../api.ts';
import type { App } from '../app.ts';
import { h } from '../dom.ts';
import { effectRows, effectsHeadline, reasonRows } from '../lib/effects.ts';

export function reasonList(app: App, reasons: readonly SuspensionReason[] | undefined, docs?: Readonly<Record<string, unknown>>): HTMLElement {
  return h('ul', { class: 'reasons' }, reasonRows(reasons, app.words(docs)).map((r) => h('li', { 'data-code': r.code, 'data-path': r.path },
    h('strong', {}, r.label), ' — ', r.why, r.label !== r.path ? h('span', { class: 'muted' }, ' ', h('code', {}, r.path)) : null)));
}

export function effectsTable(app: App, effects: readonly PublishEffect[], id: string): HTMLElement {
  const rows = effectRows(effects, app.words());
  return h('div', { class: 'effects' },
    h('p', { class: 'effects-headline' }, h('strong', {}, app.t('effects.headline', { summary: effectsHeadline(effects, app.t, app.lang) }))),
    h('table', { class: 'grid effects-table', id },
      h('thead', {}, h('tr', {}, [app.t('effects.col.effect'), app.t('effects.col.subject'), app.t('effects.col.what'), app.t('effects.col.why')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', { class: `tone-${r.tone}`, 'data-effect': r.type, ...Object.fromEntries(Object.entries(r.data).map(([k, v]) => [`data-${k}`, v])) },
        h('td', {}, h('span', { class: `badge effect ${r.tone}` }, app.t(`effects.type.${r.type}`))),
        h('td', {}, r.link ? h('a', { href: r.link }, r.subject) : r.subject),
        h('td', {}, r.what),
        h('td', {}, r.reasons.length > 0 ? h('ul', { class: 'reasons' }, r.reasons.map((x) => h('li', { 'data-code': x.code, 'data-path': x.path }, h('strong', {}, x.label), ' — ', x.why))) : '—'))))));
}
