// Build the extension: copy the shared TextMate grammar into the package, type-check and compile
// the TypeScript (out/, used by the node tests), and bundle the extension with its dependencies
// into one file (dist/extension.js, what the .vsix ships).
//
//   node scripts/build.mjs            everything
//   node scripts/build.mjs --grammar  only copy the grammar (for the grammar tests)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const grammar = join(here, '..', '..', 'grammar', 'mcl.tmLanguage.json');

mkdirSync(join(here, 'syntaxes'), { recursive: true });
copyFileSync(grammar, join(here, 'syntaxes', 'mcl.tmLanguage.json'));
if (process.argv.includes('--grammar')) {
  process.exit(0);
}

rmSync(join(here, 'out'), { recursive: true, force: true });
rmSync(join(here, 'dist'), { recursive: true, force: true });
const bin = (name) => join(here, 'node_modules', '.bin', name);
execFileSync(bin('tsc'), ['-p', here], { stdio: 'inherit' });

const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: [join(here, 'src', 'extension.ts')],
  bundle: true,
  outfile: join(here, 'dist', 'extension.js'),
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
});
