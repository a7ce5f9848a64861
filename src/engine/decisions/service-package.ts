// service-package: the package of services for a client's class (given, or decided from the
// classification inputs). One rule per package: the class is in the package's list.
import { badInput } from '../../errors.ts';
import type { ClassificationDoc } from '../../policy/model/classification.ts';
import type { ServicePackageDoc } from '../../policy/model/service-package.ts';
import { childPointer } from '../../policy/pointer.ts';
import { labelled, type DecisionDefinition } from '../decision.ts';
import { Interned } from '../interned.ts';
import { RuleRunner, type RuleSpec, type TraceStep } from '../rules.ts';

export const servicePackage: DecisionDefinition = {
  name: 'service-package',
  kinds: ['service-package', 'classification'],
  inputSchema: 'decisions/service-package.input.schema.json',
  compile(policy) {
    const doc = policy.doc<ServicePackageDoc>('service-package');
    const classes = policy.doc<ClassificationDoc>('classification').classes;
    const specs: RuleSpec[] = Object.entries(doc.packages).map(([id, pkg]) => ({
      id,
      conditions: { all: [{ fact: 'class', operator: 'in', value: pkg.classes }] },
      event: { type: 'package', params: { package: id } },
      source: policy.source('service-package', childPointer('/packages', id, 'classes')),
    }));
    const runner = new RuleRunner(specs);
    const outputs = new Interned<Record<string, unknown>>();
    return {
      *evaluate(input, ctx) {
        let cls = input.class as string | undefined;
        let upstream: TraceStep[] = [];
        if (cls === undefined) {
          if (input.assets === undefined) throw badInput('/class', 'is required (or give the classification inputs: assets and turnover)', { reason: 'classRequired' });
          const decided = yield* ctx.decide('classification', input);
          cls = String(decided.output.class);
          upstream = decided.trace ?? [];
        } else if (!Object.prototype.hasOwnProperty.call(classes, cls)) {
          throw badInput('/class', `"${cls}" is not a class of the classification policy (${Object.keys(classes).join(', ')})`, { reason: 'notDeclared', value: cls, known: Object.keys(classes) });
        }
        const { fired, trace } = yield* runner.steps({ class: cls }, ctx.explain);
        const rule = fired[0];
        if (!rule) throw badInput('/class', `no service package serves class "${cls}"`, { reason: 'noRule', value: cls });
        const pkg = doc.packages[rule.id]!;
        const output = outputs.get(cls, () => ({
          class: cls,
          package: rule.id,
          ...labelled(pkg.label),
          services: pkg.services.map((s) => ({ id: s.id, ...labelled(s.label) })),
        }));
        return { output, ...(trace ? { trace: [...upstream, ...trace] } : {}) };
      },
    };
  },
};
