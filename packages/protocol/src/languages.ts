import Type, { type Static } from 'typebox';

/** The languages Kiln runs. Adding one here makes every `Record<Language, …>` table fail to compile until it has it. */
export const LANGUAGES = ['python', 'javascript', 'cpp'] as const;

export const LanguageSchema = Type.Enum(LANGUAGES);
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export const LanguageInfoSchema = Type.Object({
  language: LanguageSchema,
  version: Type.String({ description: 'Toolchain version the executor reports, e.g. "Python 3.11.2"' }),
});
export type LanguageInfo = Static<typeof LanguageInfoSchema>;
