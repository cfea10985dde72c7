import Type, { type Static } from 'typebox';

/** Where output and expected output first part ways, so a submitter can see why an answer was rejected. */
export const DiffHintSchema = Type.Object({
  line: Type.Integer({ minimum: 1, description: 'Line of the mismatch, 1-based' }),
  column: Type.Integer({ minimum: 1, description: 'Column of the mismatch in characters, 1-based' }),
  expected: Type.String({ description: 'The expected line or token, shortened if long' }),
  got: Type.String({ description: "The output's line or token, shortened if long" }),
});
export type DiffHint = Static<typeof DiffHintSchema>;

export const CheckOutcomeSchema = Type.Union([
  Type.Object({ accepted: Type.Literal(true) }),
  Type.Object({ accepted: Type.Literal(false), hint: DiffHintSchema }),
]);
export type CheckOutcome = Static<typeof CheckOutcomeSchema>;
