// The TextMate grammar on the repository's example programs (all valid mcl, checked by a Rust
// test): nothing in them is marked invalid, and the main token classes show up where expected.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as tm from 'vscode-textmate';

const root = path.join(__dirname, '..', '..', '..', '..');
const grammarPath = path.join(root, 'grammar', 'mcl.tmLanguage.json');

async function loadGrammar(): Promise<tm.IGrammar> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma').replace(/main\.js$/, 'onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new tm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === 'source.mcl' ? tm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  const grammar = await registry.loadGrammar('source.mcl');
  assert.ok(grammar, 'the grammar loads');
  return grammar;
}

/** `[text, scopes]` of every token of `source`. */
function tokenize(grammar: tm.IGrammar, source: string): [string, string[], number][] {
  const out: [string, string[], number][] = [];
  let state = tm.INITIAL;
  source.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      out.push([line.slice(t.startIndex, t.endIndex), t.scopes, i + 1]);
    }
    state = r.ruleStack;
  });
  return out;
}

test('the examples tokenize without invalid scopes and with the main token classes', async () => {
  const grammar = await loadGrammar();
  const dir = path.join(root, 'examples');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.mcl'));
  assert.ok(files.length > 0, 'examples exist');
  const seen = new Set<string>();
  for (const f of files) {
    for (const [text, scopes, line] of tokenize(grammar, fs.readFileSync(path.join(dir, f), 'utf8'))) {
      const bad = scopes.find((s) => s.startsWith('invalid.'));
      assert.equal(bad, undefined, `${f}:${line}: ${JSON.stringify(text)} is ${bad}`);
      scopes.forEach((s) => seen.add(s));
    }
  }
  for (const scope of [
    'comment.line.number-sign.mcl',
    'entity.name.type.resource.mcl',
    'entity.other.attribute-name.mcl',
    'variable.other.mcl',
    'string.quoted.double.mcl',
    'keyword.control.import.mcl',
  ]) {
    assert.ok(seen.has(scope), `the examples show ${scope}`);
  }
});
