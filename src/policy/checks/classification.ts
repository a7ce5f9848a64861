// Semantic checks of the classification document: tiers ordered and gap-free over [0, ∞),
// every cell names a declared class, every class reachable and served by a package.
import type { Problem } from '../diagnostics.ts';
import { childPointer } from '../pointer.ts';
import type { ClassificationDoc } from '../model/classification.ts';
import type { ServicePackageDoc } from '../model/service-package.ts';
import { checkBands } from './bands.ts';
import type { CheckContext } from './index.ts';

export function checkClassification(doc: ClassificationDoc, ctx: CheckContext): Problem[] {
  const problems: Problem[] = [];
  const tiers = Object.entries(doc.tiers);
  problems.push(...checkBands(
    tiers.map(([id, t]) => ({ id, min: t.min, ...(t.max !== undefined ? { max: t.max } : {}), path: childPointer('/tiers', id) })),
    { from: 0, to: Infinity, noun: 'asset tier' },
  ));

  const reached = new Set<string>();
  for (const [id, tier] of tiers) {
    for (const group of ['high', 'low'] as const) {
      const cls = tier.classes[group];
      reached.add(cls);
      if (!Object.prototype.hasOwnProperty.call(doc.classes, cls)) {
        problems.push({ path: childPointer('/tiers', id, 'classes', group), code: 'CLASS_UNDECLARED', message: `Class "${cls}" is not declared under classes; declared: ${Object.keys(doc.classes).join(', ')}.`, params: { reason: 'notDeclared', value: cls, known: Object.keys(doc.classes), in: '/classes' } });
      }
    }
  }
  for (const cls of Object.keys(doc.classes)) {
    if (!reached.has(cls)) {
      problems.push({ path: childPointer('/classes', cls), code: 'CLASS_UNREACHABLE', message: `Class "${cls}" is declared but no tier and turnover group leads to it.`, atKey: true, params: { id: cls } });
    }
  }

  const packages = ctx.documents.get('service-package') as ServicePackageDoc | undefined;
  if (packages) {
    const served = new Set(Object.values(packages.packages).flatMap((p) => p.classes));
    for (const cls of Object.keys(doc.classes)) {
      if (!served.has(cls)) {
        problems.push({ path: childPointer('/classes', cls), code: 'PACKAGE_MISSING', message: `Class "${cls}" has no service package; add it to a package in service-package.`, atKey: true, params: { id: cls } });
      }
    }
  }
  return problems;
}
