// The timeline picture: lib/timeline.ts's model drawn as SVG, nothing decided here. Used by the
// publish screen (revisions, every branch's overrides and the draft) and the branch screen (its
// own overrides).
import type { App } from '../app.ts';
import { formatTime, h } from '../dom.ts';
import { timeline, type TimelineInput, type TimelineModel } from '../lib/timeline.ts';

const SVG = 'http://www.w3.org/2000/svg';

function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number | undefined>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

function titled<E extends SVGElement>(el: E, title: string): E {
  el.prepend(s('title', {}, title));
  return el;
}

export function timelineSvg(model: TimelineModel, id: string): SVGSVGElement {
  const summaryId = `${id}-summary`;
  const svg = s('svg', { id, class: 'timeline', viewBox: `0 0 ${model.width} ${model.height}`, width: '100%', role: 'img', 'aria-labelledby': summaryId },
    s('title', { id: summaryId }, model.summary),
    s('defs', {}, s('pattern', { id: `${id}-hatch`, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      s('rect', { width: 6, height: 6, class: 'hatch-bg' }), s('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }))));
  for (const lane of model.lanes) {
    svg.append(s('g', { class: 'lane', 'data-lane': lane.id },
      s('rect', { x: 0, y: lane.y, width: model.width, height: lane.height, class: 'lane-bg' }),
      s('text', { x: 8, y: lane.y + lane.height / 2 + 4, class: 'lane-label' }, lane.label)));
  }
  for (const b of model.bars) {
    const g = s('g', {
      class: `bar ${b.state}${b.change ? ` change-${b.change}` : ''}`, 'data-state': b.state, 'data-change': b.change,
      'data-revision': b.revision, 'data-override': b.override, 'data-lane': b.lane,
    });
    g.append(s('rect', { x: b.x, y: b.y, width: b.width, height: b.height, rx: 3 }));
    if (b.change === 'suspends' && b.changeX !== undefined) {
      g.append(s('rect', { x: b.changeX, y: b.y, width: Math.max(4, b.x + b.width - b.changeX), height: b.height, rx: 3, class: 'overlay', style: `fill: url(#${id}-hatch)` }));
    }
    // The label is clipped to its bar; the tooltip has the whole text.
    const clip = `${id}-clip-${model.bars.indexOf(b)}`;
    g.append(s('clipPath', { id: clip }, s('rect', { x: b.x, y: b.y, width: b.width, height: b.height })),
      s('text', { x: b.x + 6, y: b.y + b.height / 2 + 4, 'clip-path': `url(#${clip})` }, b.label));
    svg.append(titled(g, b.title));
  }
  for (const p of model.pins) {
    svg.append(titled(s('g', { class: 'pin', 'data-revisions': p.revisions.join(' ') },
      s('path', { d: `M ${p.x} ${p.y + 2} l 6 8 l -6 8 l -6 -8 z` }),
      s('text', { x: p.x + 10, y: p.y + 14 }, p.label)), p.title));
  }
  for (const m of model.marks) {
    svg.append(s('g', { class: `mark ${m.kind}`, 'data-mark': m.kind },
      s('line', { x1: m.x, y1: 12, x2: m.x, y2: model.axisY }),
      s('text', { x: m.x, y: 10, 'text-anchor': 'middle' }, m.label)));
  }
  svg.append(s('line', { x1: 0, y1: model.axisY, x2: model.width, y2: model.axisY, class: 'axis' }));
  for (const tick of model.ticks) {
    svg.append(s('g', { class: 'tick' },
      s('line', { x1: tick.x, y1: model.axisY, x2: tick.x, y2: model.axisY + 5 }),
      s('text', { x: tick.x, y: model.axisY + 18, 'text-anchor': 'middle' }, tick.label)));
  }
  return svg;
}

/** A titled panel with the picture, in the reader's language. */
export function timelinePanel(app: App, id: string, input: Omit<TimelineInput, 't' | 'formatInstant'>): HTMLElement {
  const model = timeline({ ...input, t: app.t, formatInstant: (ms) => formatTime(new Date(ms).toISOString(), app.lang) });
  return h('figure', { class: 'timeline-figure', id: `${id}-figure` },
    timelineSvg(model, id),
    h('figcaption', { class: 'muted' }, model.summary, ' ', model.earlier > 0 ? `${app.t('timeline.earlier', { n: model.earlier })} ` : '', model.hiddenBranches > 0 ? `${app.t('timeline.hiddenBranches', { n: model.hiddenBranches })} ` : '', app.t('timeline.notToScale')));
}
