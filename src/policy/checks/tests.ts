// Checks of the test cases every document carries: each names a decision that exists and a
// name of its own (the test report is keyed by it).
import type { Problem } from '../diagnostics.ts';
import { DECISION_NAMES } from '../kinds.ts';
import { childPointer } from '../pointer.ts';

export function testCaseProblems(doc: unknown): Problem[] {
  const tests = (doc as { tests?: { name: string; decision?: string }[] }).tests ?? [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  tests.forEach((t, i) => {
    if (seen.has(t.name)) problems.push({ path: childPointer('/tests', i, 'name'), code: 'TEST_INVALID', message: `Another test case is already named "${t.name}".`, params: { reason: 'nameTaken', value: t.name } });
    seen.add(t.name);
    if (t.decision !== undefined && !(DECISION_NAMES as readonly string[]).includes(t.decision)) {
      problems.push({ path: childPointer('/tests', i, 'decision'), code: 'TEST_INVALID', message: `No decision "${t.decision}"; decisions: ${DECISION_NAMES.join(', ')}.`, params: { reason: 'noDecision', value: t.decision, known: DECISION_NAMES } });
    }
  });
  return problems;
}
