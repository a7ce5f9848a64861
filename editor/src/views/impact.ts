// The impact preview: a candidate (draft override or proposal) decided against the built-in
// client sample or an uploaded CSV/NDJSON under the policy in force and under the candidate,
// shown as a transition table with a heatmap, the main moves, and the clients that move. A
// result is marked stale as soon as the draft, the decision or the clients change after it ran.
import type { Candidate, Simulation } from '../api.ts';
import { DECISIONS, SCHEMAS, kindOfDecision, type App } from '../app.ts';
import { busy, h, notice, progress, replace } from '../dom.ts';
import { parseClientsFile, parseNdjson } from '../lib/clients-file.ts';
import { formatValue } from '../lib/diff.ts';
import { fieldLabel } from '../lib/form.ts';
import { localise, outcomeCatalogue, type Lang } from '../lib/labels.ts';
import { clientsVerdict, impactVerdict, runKey } from '../lib/impact.ts';
import { heatStep, transitionTable } from '../lib/transitions.ts';

const SAMPLE_URL = '/samples/clients.ndjson';
let sample: Promise<Record<string, unknown>[]> | undefined;

function loadSample(): Promise<Record<string, unknown>[]> {
  sample ??= fetch(SAMPLE_URL).then(async (res) => {
    if (!res.ok) throw new Error(`${SAMPLE_URL}: HTTP ${res.status}`);
    return parseNdjson(await res.text()).inputs;
  });
  sample.catch(() => { sample = undefined; });
  return sample;
}

export interface ImpactOptions {
  branch?: string;
  candidate: () => Candidate | undefined;
  /** The decision to preselect (that of the first kind the candidate touches). */
  decision: () => string;
  /** Called before running; return false to refuse (e.g. the draft has problems). */
  canRun?: () => boolean;
}

export interface ImpactPanel {
  element: HTMLElement;
  refreshDecision: () => void;
  /** Call when the candidate may have changed: a result run with another one is marked stale. */
  candidateChanged: () => void;
}

export function impactPanel(app: App, options: ImpactOptions): ImpactPanel {
  const t = app.t;
  let uploaded: { name: string; inputs: Record<string, unknown>[]; unreadable: number } | undefined;
  /** What the result on screen was run with. */
  let ranWith: string | undefined;
  const decision = h('select', { id: 'impact-decision' }, DECISIONS.map((d) => h('option', { value: d }, app.decisionTitle(d))));
  decision.value = options.decision();
  const sourceSample = h('input', { type: 'radio', name: 'impact-source', value: 'sample', checked: true, id: 'impact-sample' });
  const sourceFile = h('input', { type: 'radio', name: 'impact-source', value: 'file', id: 'impact-file-choice' });
  const sampleLabel = h('span', {}, t('builtInSample', { n: '…' }));
  const file = h('input', { type: 'file', accept: '.csv,.ndjson,.jsonl,.json,text/csv', id: 'impact-file', 'aria-label': t('uploadFile') });
  const fileNote = h('span', { class: 'hint', id: 'impact-file-note', 'aria-live': 'polite' });
  const run = h('button', { type: 'button', class: 'primary', id: 'impact-run' }, t('runImpact'));
  const out = h('div', { class: 'impact-result', id: 'impact-result', 'aria-live': 'polite' });
  const staleNote = h('div', { id: 'impact-stale', role: 'status', hidden: true }, notice('warn', t('impactStale')));
  const clientsId = (): string => (sourceFile.checked && uploaded ? `file:${uploaded.name}:${uploaded.inputs.length}` : 'sample');
  const keyNow = (): string => runKey({ candidate: options.candidate(), decision: decision.value, clients: clientsId() });
  const markStale = (): void => {
    const stale = ranWith !== undefined && ranWith !== keyNow();
    staleNote.hidden = !stale;
    out.classList.toggle('stale', stale);
  };

  void loadSample().then((s) => replace(sampleLabel, t('builtInSample', { n: s.length.toLocaleString() }))).catch(() => undefined);

  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    sourceFile.checked = true;
    const parsed = parseClientsFile(f.name, await f.text());
    uploaded = { name: f.name, inputs: parsed.inputs, unreadable: parsed.errors.length };
    const lines = parsed.errors.slice(0, 5).map((e) => e.line).join(', ');
    replace(fileNote, parsed.inputs.length === 0 ? h('span', { class: 'warn-text' }, t('uploadedNone', { file: f.name })) : t('uploaded', { n: parsed.inputs.length.toLocaleString(), file: f.name }),
      parsed.errors.length > 0 ? h('span', { class: 'warn-text' }, ' · ', t('uploadErrors', { n: parsed.errors.length, lines })) : null);
    markStale();
  });
  decision.addEventListener('change', markStale);
  sourceSample.addEventListener('change', markStale);
  sourceFile.addEventListener('change', markStale);

  run.addEventListener('click', () => {
    if (options.canRun && !options.canRun()) return;
    const candidate = options.candidate();
    if (!candidate) return;
    const key = keyNow();
    void busy(run, async () => {
      try {
        const fromFile = sourceFile.checked && uploaded;
        const empty = fromFile ? clientsVerdict(uploaded!.inputs.length, uploaded!.unreadable) : undefined;
        if (empty) {
          ranWith = key;
          replace(out, h('p', { class: 'summary', id: 'impact-summary', 'data-verdict': empty.kind }, t('impactNoClients', { file: uploaded!.name, n: uploaded!.unreadable })));
          markStale();
          return;
        }
        const inputs = fromFile ? uploaded!.inputs : await loadSample();
        replace(out, progress(t('impactRunning', { n: inputs.length.toLocaleString() })));
        const result = await app.api.simulate({ decision: decision.value, ...(options.branch ? { branch: options.branch } : {}), candidate, inputs });
        ranWith = key;
        replace(out, renderResult(app, decision.value, result));
      } catch (err) {
        ranWith = undefined;
        replace(out, app.error(err));
      }
      markStale();
    });
  });

  const element = h('section', { class: 'panel impact', 'aria-labelledby': 'impact-title' },
    h('h2', { id: 'impact-title' }, t('impactTitle')),
    h('p', { class: 'help' }, t('impactHelp')),
    h('div', { class: 'toolbar wrap' },
      h('label', {}, t('decision'), ' ', decision),
      h('fieldset', { class: 'inline' }, h('legend', {}, t('clients')),
        h('label', {}, sourceSample, ' ', sampleLabel),
        h('label', {}, sourceFile, ' ', t('uploadFile'), ' ', file), fileNote),
      run),
    staleNote,
    out);
  return { element, refreshDecision: () => { decision.value = options.decision(); markStale(); }, candidateChanged: markStale };
}

/** A fact's name from the decision's input schema ("客户资产量(元)"), else its id. */
function factLabel(decision: string, fact: string, lang: Lang): string {
  const props = (SCHEMAS[`decisions/${decision}.input.schema.json`]?.properties ?? {}) as Record<string, { description?: unknown }>;
  const description = props[fact]?.description;
  return typeof description === 'string' ? localise(fieldLabel(description), lang, fact) : fact;
}

function renderResult(app: App, decision: string, sim: Simulation): HTMLElement {
  const t = app.t;
  const kind = kindOfDecision(decision);
  const ids = Object.entries(sim.matrix).flatMap(([from, row]) => [from, ...Object.keys(row)]);
  const { order, labels } = outcomeCatalogue(kind ? app.policy?.parsed[kind] : undefined, ids);
  const table = transitionTable(sim.matrix, order, labels, app.lang);
  const pct = sim.total === 0 ? '0%' : `${((sim.changed / sim.total) * 100).toFixed(1)}%`;
  const label = (id: string): string => table.columns.find((c) => c.id === id)?.label ?? id;

  const heat = h('table', { class: 'heatmap', id: 'impact-table', 'aria-label': t('impactTitle') },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('fromTo')), table.columns.map((c) => h('th', { scope: 'col', 'data-to': c.id }, c.label)), h('th', { scope: 'col' }, t('rowTotal')), h('th', { scope: 'col' }, t('moved')))),
    h('tbody', {}, table.rows.map((r) => h('tr', { 'data-from': r.from },
      h('th', { scope: 'row' }, r.label),
      r.cells.map((c) => h('td', {
        class: `${c.diagonal ? 'same' : `heat-${heatStep(c.heat)}`}${c.count === 0 ? ' zero' : ''}`,
        'data-to': c.to, 'data-count': c.count,
        title: `${r.label} → ${label(c.to)}: ${c.count}`,
      }, c.count === 0 ? '·' : c.count.toLocaleString())),
      h('td', { class: 'num' }, r.total.toLocaleString()),
      h('td', { class: `num ${r.moved > 0 ? 'moved' : ''}` }, r.moved.toLocaleString())))));

  const moves = table.moves.slice(0, 8).map((m) => h('li', {}, h('strong', {}, m.count.toLocaleString()), ` ${m.fromLabel} → ${m.toLabel}`));
  const samples = sim.samples ?? [];
  // The facts the decision reads, as far as the clients carry them.
  const first = (samples[0]?.input ?? {}) as Record<string, unknown>;
  const facts = Object.keys((SCHEMAS[`decisions/${decision}.input.schema.json`]?.properties ?? {}) as object).filter((k) => k in first);
  const columns = (facts.length > 0 ? facts : Object.keys(first).filter((k) => k !== 'id')).slice(0, 5);
  const clients = samples.length === 0 ? null : h('div', { class: 'changed-clients' },
    h('h3', {}, t('changedClients'), ' ', h('span', { class: 'muted' }, t('changedClientsNote', { n: samples.length, total: sim.changed.toLocaleString() }))),
    h('div', { class: 'scroll short' }, h('table', { class: 'grid', id: 'impact-clients' },
      h('thead', {}, h('tr', {}, h('th', {}, t('client')), h('th', {}, t('from')), h('th', {}, t('to')), columns.map((c) => h('th', { class: 'num', title: c }, factLabel(decision, c, app.lang))))),
      h('tbody', {}, samples.map((s) => {
        const input = (s.input ?? {}) as Record<string, unknown>;
        return h('tr', {},
          h('td', {}, typeof input.id === 'string' || typeof input.id === 'number' ? String(input.id) : `#${s.index + 1}`),
          h('td', {}, label(s.from)), h('td', {}, label(s.to)),
          columns.map((c) => h('td', { class: 'num' }, formatValue(input[c]))));
      })))));

  const verdict = impactVerdict(sim);
  if (verdict.kind === 'all-undecidable' || verdict.kind === 'no-clients') {
    const first = sim.errors?.[0];
    return h('div', {},
      h('p', { class: 'summary warn-text', id: 'impact-summary', 'data-verdict': verdict.kind }, verdict.kind === 'no-clients' ? t('impactNoClients', { file: '—', n: 0 }) : t('impactAllUndecidable', { total: sim.total.toLocaleString() })),
      first ? h('p', { class: 'muted' }, t('impactFirstError', { n: first.index + 1, message: first.message })) : null);
  }
  return h('div', {},
    h('p', { class: 'summary', id: 'impact-summary', 'data-verdict': verdict.kind }, verdict.kind === 'none' ? t('impactNone') : t('impactSummary', { total: sim.total.toLocaleString(), changed: sim.changed.toLocaleString(), pct })),
    sim.errors && sim.errors.length > 0 ? h('p', { class: 'muted' }, t('undecidable', { n: sim.errors.length })) : null,
    h('div', { class: 'impact-grid' },
      h('div', { class: 'scroll' }, heat),
      moves.length > 0 ? h('div', {}, h('h3', {}, t('moves')), h('ol', { class: 'moves' }, moves)) : null),
    clients);
}
