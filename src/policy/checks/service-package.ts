// Semantic checks of the service-package document: every class it names is declared by the
// classification policy, and no class is served by two packages.
import type { Problem } from '../diagnostics.ts';
import type { ClassificationDoc } from '../model/classification.ts';
import type { ServicePackageDoc } from '../model/service-package.ts';
import { childPointer } from '../pointer.ts';
import type { CheckContext } from './index.ts';

export function checkServicePackage(doc: ServicePackageDoc, ctx: CheckContext): Problem[] {
  const problems: Problem[] = [];
  const classification = ctx.documents.get('classification') as ClassificationDoc | undefined;
  const servedBy = new Map<string, string>();
  for (const [id, pkg] of Object.entries(doc.packages)) {
    pkg.classes.forEach((cls, i) => {
      const path = childPointer('/packages', id, 'classes', i);
      if (classification && !Object.prototype.hasOwnProperty.call(classification.classes, cls)) {
        problems.push({ path, code: 'REFERENCE_UNRESOLVED', message: `Class "${cls}" is not declared by the classification policy (${Object.keys(classification.classes).join(', ')}).`, params: { reason: 'notDeclared', value: cls, known: Object.keys(classification.classes), of: 'classification', in: '/classes' } });
      }
      const other = servedBy.get(cls);
      if (other) problems.push({ path, code: 'CLASS_DUPLICATE_PACKAGE', message: `Class "${cls}" is already served by package "${other}"; a class has exactly one package.`, params: { id: cls, other } });
      else servedBy.set(cls, id);
    });
    const seen = new Set<string>();
    pkg.services.forEach((s, i) => {
      if (seen.has(s.id)) problems.push({ path: childPointer('/packages', id, 'services', i, 'id'), code: 'REFERENCE_UNRESOLVED', message: `Service "${s.id}" is listed twice in package "${id}".`, params: { reason: 'listedTwice', value: s.id, id } });
      seen.add(s.id);
    });
  }
  return problems;
}
