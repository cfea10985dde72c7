import { LanguageSchema } from '@kiln/protocol';
import Type, { type Static } from 'typebox';

/** What the service says about itself: its probes and the languages it can run right now. */

export const HealthResponseSchema = Type.Object(
  { status: Type.Literal('ok') },
  { description: 'The process is up and serving HTTP' },
);
export type HealthResponse = Static<typeof HealthResponseSchema>;

export const ReadyResponseSchema = Type.Object(
  {
    status: Type.Literal('ready'),
    languages: Type.Array(LanguageSchema, { description: 'Every language, each with a live executor' }),
  },
  { description: 'Redis answers and every language has a live executor' },
);
export type ReadyResponse = Static<typeof ReadyResponseSchema>;

/** One language with at least one live executor, summed over its replicas. */
export const LanguageAvailabilitySchema = Type.Object({
  language: LanguageSchema,
  versions: Type.Array(Type.String(), { description: 'Toolchain versions the live replicas report' }),
  replicas: Type.Integer({ minimum: 1, description: 'Live executor replicas' }),
  slots: Type.Integer({ minimum: 0, description: 'Concurrent runs the replicas offer, summed' }),
  busy: Type.Integer({ minimum: 0, description: 'Slots running code right now, summed' }),
});
export type LanguageAvailability = Static<typeof LanguageAvailabilitySchema>;

export const LanguagesResponseSchema = Type.Object(
  { languages: Type.Array(LanguageAvailabilitySchema) },
  { description: 'The languages with at least one live executor; an empty list when none is connected' },
);
export type LanguagesResponse = Static<typeof LanguagesResponseSchema>;
