import { defineConfig } from 'tsdown';

/**
 * One ESM file and its .d.ts for npm. The .js imports eventsource-parser alone; the .d.ts carries the API's
 * types from @kiln/api and @kiln/protocol (workspace packages, inlined) and imports TypeBox's from typebox,
 * a dependency of the package. (Inlining TypeBox's own declarations breaks them: its namespaces.)
 */
export default defineConfig({
  entry: 'src/index.ts',
  platform: 'node',
  target: 'node22',
  // dist/index.js and dist/index.d.ts, the names package.json exports (the package is ESM).
  fixedExtension: false,
  tsconfig: 'tsconfig.build.json',
  dts: true,
  // Nothing bundled from node_modules, nothing imported that `npm install @kiln/client` would not bring.
  deps: { onlyBundle: [], onlyImport: ['eventsource-parser', 'typebox'] },
});
