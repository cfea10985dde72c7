/**
 * @kiln/api: Kiln's HTTP contract, every request and response schema of the API in one place (TypeBox, so
 * each is a JSON Schema at run time and a type at compile time). The gateway's routes validate with them and
 * document them (OpenAPI), the CLI and @kiln/client derive their types from them. The run results, limits
 * and languages are @kiln/protocol's (the executors speak them too) and come through here for the API.
 */
export {
  type CompileResult,
  CompileResultSchema,
  type ExecutionResult,
  ExecutionResultSchema,
  isLanguage,
  LANGUAGES,
  type Language,
  type LanguageInfo,
  LanguageInfoSchema,
  LanguageSchema,
  type Limits,
  type LimitsRequest,
  LimitsRequestSchema,
  LimitsSchema,
  STATUSES,
  type Status,
  StatusSchema,
} from '@kiln/protocol';
export * from './checker.js';
export * from './common.js';
export * from './executions.js';
export * from './grading.js';
export * from './hint.js';
export * from './service.js';
