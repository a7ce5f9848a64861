// The peer: GoRules zen-engine (Rust, native binding) with the same 11-class table, built from
// the classification document's own data (tiers × turnover groups), so that both engines decide
// from one source. One row per tier and group, first hit wins, like our rules.
// zen-engine is not a devDependency: the registry these machines reach serves only its linux-x64
// binding, so npm ci would reject a lock file naming it. `npm run bench` installs it on demand
// (npm i --no-save) and this module loads it at run time, typed by the little it uses.
import type { ClassificationDoc } from '../src/policy/model/classification.ts';

interface ZenDecision {
  evaluate(context: object): Promise<{ result: Record<string, unknown> }>;
}
interface ZenEngineModule {
  ZenEngine: new () => { createDecision(graph: object): ZenDecision; dispose(): void };
}
const ZEN_PACKAGE = '@gorules/zen-engine';

/** A zen unary test for [min, max) on the column's field. */
function range(min: number, max: number | undefined): string {
  return max === undefined ? `>= ${min}` : `[${min}..${max})`;
}

/**
 * The JDM graph: request → decision table → response. In loop mode the table runs over the
 * request's `clients` array and answers `classes`, one per client, in one call.
 */
export function classificationGraph(doc: ClassificationDoc, loop: boolean): object {
  const rules = Object.entries(doc.tiers).flatMap(([tierId, tier]) => (['high', 'low'] as const).map((group) => ({
    _id: `${tierId}/${group}`,
    assets: range(tier.min, tier.max),
    turnover: group === 'high' ? `>= ${doc.turnoverThreshold}` : `< ${doc.turnoverThreshold}`,
    class: JSON.stringify(tier.classes[group]),
  })));
  return {
    nodes: [
      { id: 'request', name: 'request', type: 'inputNode', position: { x: 0, y: 0 } },
      {
        id: 'table',
        name: 'classification',
        type: 'decisionTableNode',
        position: { x: 200, y: 0 },
        content: {
          hitPolicy: 'first',
          passThrough: false,
          executionMode: loop ? 'loop' : 'single',
          inputField: loop ? 'clients' : null,
          outputPath: loop ? 'classes' : null,
          inputs: [{ id: 'assets', name: 'Assets', field: 'assets' }, { id: 'turnover', name: 'Turnover', field: 'turnover' }],
          outputs: [{ id: 'class', name: 'Class', field: 'class' }],
          rules,
        },
      },
      { id: 'response', name: 'response', type: 'outputNode', position: { x: 400, y: 0 } },
    ],
    edges: [
      { id: 'in', sourceId: 'request', targetId: 'table', type: 'edge' },
      { id: 'out', sourceId: 'table', targetId: 'response', type: 'edge' },
    ],
  };
}

export interface ZenClassifier {
  /** One client a call. */
  single: ZenDecision;
  /** Many clients a call ({clients} → {classes}). */
  loop: ZenDecision;
  dispose(): void;
}

export async function zenClassifier(doc: ClassificationDoc): Promise<ZenClassifier> {
  const { ZenEngine } = (await import(ZEN_PACKAGE)) as ZenEngineModule;
  const engine = new ZenEngine();
  return {
    single: engine.createDecision(classificationGraph(doc, false)),
    loop: engine.createDecision(classificationGraph(doc, true)),
    dispose: () => engine.dispose(),
  };
}
