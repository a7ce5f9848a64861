// client-profile: every client decision for one client in one call. The input is one flat
// record; each decision runs when the fields its input schema requires are present, and is
// listed under `skipped` otherwise. classification always runs; service-package follows from it.
import { ZhiduError } from '../../errors.ts';
import { schemaRegistry } from '../../policy/schema.ts';
import type { DecisionDefinition } from '../decision.ts';
import type { TraceStep } from '../rules.ts';
import { schemaImplies } from '../schema-implication.ts';

/** The decisions about a client (not about a sale, a complaint or a member of staff), in run order. */
export const CLIENT_DECISIONS = ['classification', 'service-package', 'risk-level', 'vip', 'trading-style', 'value-segment'] as const;

function requiredOf(schemaId: string): string[] {
  const schema = schemaRegistry().getSchema(schemaId)?.schema as { required?: string[] } | undefined;
  if (!schema) throw new Error(`client-profile: no input schema ${schemaId}`);
  return schema.required ?? [];
}

export const clientProfile: DecisionDefinition = {
  name: 'client-profile',
  kinds: [],
  inputSchema: 'decisions/client-profile.input.schema.json',
  compile() {
    // The record has passed client-profile's schema; a decision whose schema that implies is not
    // validated again (the questionnaire answers were a fifth of a profile's time, checked twice).
    const plan = CLIENT_DECISIONS.map((decision) => ({
      decision,
      required: requiredOf(`decisions/${decision}.input.schema.json`),
      implied: schemaImplies(clientProfile.inputSchema, `decisions/${decision}.input.schema.json`),
    }));
    return {
      *evaluate(input, ctx) {
        const output: Record<string, unknown> = {};
        const skipped: { decision: string; missing: string[] }[] = [];
        const trace: TraceStep[] | undefined = ctx.explain ? [] : undefined;
        for (const { decision, required, implied } of plan) {
          // No array or closure per decision unless a field is missing.
          let missing: string[] | undefined;
          for (let i = 0; i < required.length; i++) if (input[required[i]!] === undefined) (missing ??= []).push(required[i]!);
          if (missing !== undefined) {
            skipped.push({ decision, missing });
            continue;
          }
          const sub = decision === 'service-package' ? { class: (output.classification as { class: string }).class } : input;
          try {
            const r = implied && sub === input ? yield* ctx.decideValidated(decision, sub) : yield* ctx.decide(decision, sub);
            output[decision] = r.output;
            if (trace && r.trace) for (const s of r.trace) trace.push({ ...s, decision });
          } catch (err) {
            // A field one decision rejects is the client record's fault: name the decision too.
            if (err instanceof ZhiduError && err.code === 'BAD_INPUT') {
              throw new ZhiduError('BAD_INPUT', `${decision}: ${err.message}`, err.details?.map((d) => ({ ...(d as object), decision })));
            }
            throw err;
          }
        }
        // Added in place: spreading an output whose keys vary client by client is slow in V8.
        output.skipped = skipped;
        return trace ? { output, trace } : { output };
      },
    };
  },
};
