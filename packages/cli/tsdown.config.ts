import { defineConfig } from 'tsdown';

/** `kiln` as one file with no dependencies: @kiln/client, its parser and the unpublished @kiln/* bundled in. */
export default defineConfig({
  entry: 'src/main.ts',
  platform: 'node',
  target: 'node22',
  fixedExtension: false,
  tsconfig: 'tsconfig.build.json',
  dts: false,
  // Node's own modules are all dist/main.js may import.
  deps: { onlyBundle: ['eventsource-parser', 'typebox'], onlyImport: [] },
  // The CLI takes constants (LANGUAGES, VERDICTS, limits) from @kiln/api (and so @kiln/protocol), whose modules
  // also build TypeBox schemas at load (`Type.Object(…)`). Building a schema registers nothing, so the schemas
  // the CLI does not use can go, and TypeBox with them: 70 kB instead of 500.
  treeshake: {
    moduleSideEffects: [{ test: /\/packages\/(protocol|api)\/|\/typebox\//, sideEffects: false }],
    manualPureFunctions: ['Type'],
  },
});
