// The bundled extension (dist/extension.js, what the .vsix ships) activated against a stand-in
// for the `vscode` module: it registers its commands and status bar item, says so when the
// server is missing, and with the real `mclc` (MCLC) starts the language client until the
// server runs. Real VS Code is not available here; the stand-in answers every API the
// extension and vscode-languageclient touch with inert objects.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('node:module');

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A callable, constructible object whose every property is another such object. */
function inert(name: string): Any {
  const fn = function () {} as Any;
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'dispose') return () => {};
      if (typeof prop === 'symbol') return undefined;
      return inert(`${name}.${String(prop)}`);
    },
    apply: () => inert(`${name}()`),
    construct: () => inert(`new ${name}`),
  });
}

function fakeVscode(config: Record<string, unknown>) {
  const commands = new Map<string, (...a: Any[]) => Any>();
  const errors: string[] = [];
  const status = { text: '', tooltip: '', visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} } as Any;
  class EventEmitter {
    private listeners: Any[] = [];
    event = (l: Any) => { this.listeners.push(l); return { dispose() {} }; };
    fire(v: Any) { this.listeners.forEach((l) => l(v)); }
    dispose() {}
  }
  const event = () => ({ dispose() {} });
  const log = () => {};
  const channel = { name: 'mcl', append: log, appendLine: log, replace: log, clear: log, show: log, hide: log, dispose: log, trace: log, debug: log, info: log, warn: log, error: log, logLevel: 0, onDidChangeLogLevel: event };
  const overrides: Record<string, Any> = {
    EventEmitter,
    StatusBarAlignment: { Left: 1, Right: 2 },
    ThemeColor: class { constructor(public id: string) {} },
    window: {
      createOutputChannel: () => channel,
      createStatusBarItem: () => status,
      showErrorMessage: async (m: string) => { errors.push(m); return undefined; },
      showWarningMessage: async () => undefined,
      showInformationMessage: async () => undefined,
      onDidChangeActiveTextEditor: event,
      activeTextEditor: undefined,
      visibleTextEditors: [],
    },
    workspace: {
      getConfiguration: () => ({ get: (k: string) => config[k], has: () => false, inspect: () => undefined, update: async () => {} }),
      workspaceFolders: undefined,
      textDocuments: [],
      notebookDocuments: [],
      registerTextDocumentContentProvider: () => ({ dispose() {} }),
      onDidSaveTextDocument: event,
      onDidChangeConfiguration: event,
      onDidOpenTextDocument: event,
      onDidCloseTextDocument: event,
      onDidChangeTextDocument: event,
      onWillSaveTextDocument: event,
      onDidChangeWorkspaceFolders: event,
      onDidOpenNotebookDocument: event,
      onDidCloseNotebookDocument: event,
      onDidChangeNotebookDocument: event,
      onDidSaveNotebookDocument: event,
      onDidCreateFiles: event,
      onDidRenameFiles: event,
      onDidDeleteFiles: event,
      onWillCreateFiles: event,
      onWillRenameFiles: event,
      onWillDeleteFiles: event,
      createFileSystemWatcher: () => ({ onDidCreate: event, onDidChange: event, onDidDelete: event, dispose() {} }),
    },
    commands: {
      registerCommand: (id: string, fn: Any) => { commands.set(id, fn); return { dispose() { commands.delete(id); } }; },
      executeCommand: async () => undefined,
    },
    env: { language: 'en', appName: 'test', machineId: 'x', sessionId: 'x', uiKind: 1 },
    version: '1.91.0',
  };
  const root = inert('vscode');
  const stub = new Proxy(overrides, { get: (t, p) => (p in t ? t[p as string] : root[p as Any]) });
  return { stub, commands, errors, status };
}

function loadExtension(vscode: Any): Any {
  const bundle = path.join(__dirname, '..', '..', 'dist', 'extension.js');
  delete require.cache[bundle];
  const load = Module._load;
  Module._load = function (request: string, ...rest: Any[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  try {
    return require(bundle);
  } finally {
    Module._load = load;
  }
}

const context = () => ({ subscriptions: [] as Any[], extensionPath: path.join(__dirname, '..', '..') });

test('activation without a server registers the commands and says what is missing', async () => {
  const fake = fakeVscode({ 'server.path': '/nonexistent/mclc' });
  const ext = loadExtension(fake.stub);
  await ext.activate(context());
  assert.deepEqual([...fake.commands.keys()].sort(), ['mcl.deployFile', 'mcl.deployFileNoop', 'mcl.restartServer', 'mcl.showResourceGraph']);
  assert.match(fake.errors[0] ?? '', /cannot find the language server `\/nonexistent\/mclc`/);
  assert.match(fake.status.text, /\$\(error\) mcl/);
  assert.equal(fake.status.visible, true, 'an error keeps the status item visible');
  await ext.deactivate();
});

test('activation with the real mclc starts the language server', { skip: process.env.MCLC ? false : 'MCLC is not set', timeout: 60_000 }, async () => {
  const fake = fakeVscode({ 'server.path': process.env.MCLC, 'etcd.endpoints': ['http://127.0.0.1:2379'] });
  const ext = loadExtension(fake.stub);
  await ext.activate(context());
  assert.deepEqual(fake.errors, []);
  assert.match(fake.status.text, /\$\(check\) mcl/, `status: ${fake.status.text} ${fake.status.tooltip}`);
  assert.match(fake.status.tooltip, /mclc lsp/);
  await ext.deactivate();
});
