import Type, { type Static } from 'typebox';

/**
 * Defaults for the `float` checker. They are loose enough for answers printed with the usual six decimals and
 * tight enough that a wrong answer is not waved through; a problem that needs otherwise sets its own.
 */
export const DEFAULT_ABS_TOL = 1e-6;
export const DEFAULT_REL_TOL = 1e-6;

const ExactCheckerSchema = Type.Object(
  { type: Type.Literal('exact') },
  { additionalProperties: false, description: 'Byte-for-byte equality of the whole output' },
);

const LinesCheckerSchema = Type.Object(
  { type: Type.Literal('lines') },
  {
    additionalProperties: false,
    description: 'Line by line, ignoring CR before LF, trailing spaces and tabs, and trailing blank lines',
  },
);

const TokensCheckerSchema = Type.Object(
  { type: Type.Literal('tokens') },
  { additionalProperties: false, description: 'The same whitespace-separated tokens, in order' },
);

const FloatCheckerSchema = Type.Object(
  {
    type: Type.Literal('float'),
    absTol: Type.Optional(
      Type.Number({ minimum: 0, default: DEFAULT_ABS_TOL, description: 'Absolute tolerance' }),
    ),
    relTol: Type.Optional(
      Type.Number({
        minimum: 0,
        default: DEFAULT_REL_TOL,
        description: 'Tolerance relative to the expected value',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'As `tokens`, but two numbers match when |got - expected| <= max(absTol, relTol * |expected|)',
  },
);

const UnorderedLinesCheckerSchema = Type.Object(
  { type: Type.Literal('unordered_lines') },
  {
    additionalProperties: false,
    description: 'The same lines in any order, normalised as for `lines`; duplicates count',
  },
);

/** How a program's output is compared with the expected output, chosen per problem. */
export const CheckerSchema = Type.Union([
  ExactCheckerSchema,
  LinesCheckerSchema,
  TokensCheckerSchema,
  FloatCheckerSchema,
  UnorderedLinesCheckerSchema,
]);
export type Checker = Static<typeof CheckerSchema>;
export type CheckerType = Checker['type'];

/**
 * `lines` forgives what differs between platforms and printing habits (CRLF, a trailing space, the final
 * newline) but nothing a reader would call a different answer, so it is the safe default.
 */
export const DEFAULT_CHECKER: Readonly<Checker> = Object.freeze({ type: 'lines' });
