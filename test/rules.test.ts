// Runs every `tests:` case of every policy file shipped in rules/ and rules/examples/*,
// through the engine, on a frozen clock.
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../src/engine/compile.ts';
import { ZhiduError } from '../src/errors.ts';
import { decisionOfKind } from '../src/policy/kinds.ts';
import { loadPolicyDir } from '../src/policy/policy-set.ts';
import { FROZEN_NOW, ROOT, shippedPolicySets } from './helpers/policy-sets.ts';

interface TestCase {
  name: string;
  decision?: string;
  at?: string;
  input: Record<string, unknown>;
  expect?: Record<string, unknown>;
  expectError?: { code: string; field?: string };
}

for (const dir of shippedPolicySets()) {
  describe(`policy set ${relative(ROOT, dir) || '.'}`, () => {
    const loaded = loadPolicyDir(dir);

    it('validates with no problems', () => {
      expect(loaded.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([]);
    });

    const policy = loaded.valid ? CompiledPolicy.compile(loaded.set) : undefined;
    for (const doc of loaded.set.documents.values()) {
      const cases = ((doc.value.tests as TestCase[] | undefined) ?? []);
      it(`${relative(ROOT, doc.file)} carries test cases`, () => {
        expect(cases.length).toBeGreaterThan(0);
      });
      for (const tc of cases) {
        it(`${relative(ROOT, doc.file)}: ${tc.name}`, async () => {
          expect(policy, 'the policy set must compile').toBeDefined();
          const decision = tc.decision ?? decisionOfKind(doc.kind);
          const run = policy!.decide(decision, tc.input, { at: tc.at ? new Date(tc.at) : FROZEN_NOW });
          if (tc.expectError) {
            const err = await run.then(() => undefined, (e: unknown) => e);
            expect(err).toBeInstanceOf(ZhiduError);
            expect((err as ZhiduError).code).toBe(tc.expectError.code);
            if (tc.expectError.field !== undefined) {
              expect((err as ZhiduError).details?.[0]).toMatchObject({ field: tc.expectError.field });
            }
          } else {
            const result = await run;
            expect(result.output).toMatchObject(tc.expect!);
          }
        });
      }
    }
  });
}
