// The VS Code extension: starts `mclc lsp` through vscode-languageclient and adds the commands
// that go through the server (deploy, resource graph), a restart command and a status bar item.
//
// The VS Code command ids (mcl.deployFile, mcl.showResourceGraph, …) differ from the server's
// executeCommand names (mcl.deploy, mcl.showGraph) on purpose: vscode-languageclient registers a
// VS Code command for every command the server advertises, and a second registration of the same
// id would fail.

import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  State,
  WorkDoneProgress,
  WorkDoneProgressBegin,
  WorkDoneProgressReport,
} from 'vscode-languageclient/node';
import {
  DOCUMENT_SELECTOR,
  SERVER_COMMANDS,
  Settings,
  deployArguments,
  findExecutable,
  initializationOptions,
  readSettings,
  serverLaunch,
  showGraphArguments,
} from './server';

const GRAPH_SCHEME = 'mcl-graph';

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem;
let output: vscode.LogOutputChannel;
let progressCounter = 0;

function settings(): Settings {
  const config = vscode.workspace.getConfiguration('mcl');
  return readSettings((key) => config.get(key));
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('mcl', { log: true });
  status = vscode.window.createStatusBarItem('mcl.status', vscode.StatusBarAlignment.Left, 0);
  status.name = 'mcl language server';
  status.command = 'mcl.restartServer';
  context.subscriptions.push(output, status);

  const graphs = new GraphDocuments();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(GRAPH_SCHEME, graphs),
    vscode.workspace.onDidSaveTextDocument((doc) => graphs.sourceSaved(doc.uri)),
    vscode.commands.registerCommand('mcl.restartServer', restart),
    vscode.commands.registerCommand('mcl.deployFile', (uri?: vscode.Uri) => deploy(uri, false)),
    vscode.commands.registerCommand('mcl.deployFileNoop', (uri?: vscode.Uri) => deploy(uri, true)),
    vscode.commands.registerCommand('mcl.showResourceGraph', (uri?: vscode.Uri) => showGraph(uri)),
    vscode.window.onDidChangeActiveTextEditor(updateStatusVisibility),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('mcl.server')) {
        const pick = await vscode.window.showInformationMessage(
          'The mcl language server settings changed.',
          'Restart the server',
        );
        if (pick) {
          await restart();
        }
      }
    }),
    { dispose: () => void client?.stop() },
  );
  await start();
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  await c?.stop();
}

async function start(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const s = settings();
  const launch = serverLaunch(s, process.env, folder);
  if (!findExecutable(launch.command, launch.options.env)) {
    setStatus('error', `\`${launch.command}\` not found: set mcl.server.path or put mclc on PATH`);
    const pick = await vscode.window.showErrorMessage(
      `mcl: cannot find the language server \`${launch.command}\`. Install mclc or set "mcl.server.path".`,
      'Open Settings',
    );
    if (pick) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'mcl.server.path');
    }
    return;
  }
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    initializationOptions: initializationOptions(s),
    outputChannel: output,
    synchronize: { configurationSection: 'mcl' },
  };
  client = new LanguageClient('mcl', 'mcl language server', launch, clientOptions);
  client.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      setStatus('running', `${launch.command} ${launch.args.join(' ')}`);
    } else if (e.newState === State.Starting) {
      setStatus('starting', 'starting');
    } else {
      setStatus('stopped', 'stopped — click to restart');
    }
  });
  setStatus('starting', 'starting');
  try {
    await client.start();
  } catch (e) {
    setStatus('error', String(e));
    output.error(`starting ${launch.command} failed: ${e}`);
  }
}

async function restart(): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop();
    } catch (e) {
      output.warn(`stopping the server: ${e}`);
    }
  }
  await start();
}

function setStatus(state: 'starting' | 'running' | 'stopped' | 'error', detail: string): void {
  const icon = { starting: '$(sync~spin)', running: '$(check)', stopped: '$(debug-stop)', error: '$(error)' }[state];
  status.text = `${icon} mcl`;
  status.tooltip = `mcl language server: ${detail}\nClick to restart.`;
  status.backgroundColor = state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  updateStatusVisibility();
}

function updateStatusVisibility(): void {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId === 'mcl' || status.backgroundColor) {
    status.show();
  } else {
    status.hide();
  }
}

/** The mcl document a command applies to: the one it was invoked on, else the active editor's. */
async function targetDocument(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) {
    return vscode.workspace.openTextDocument(uri);
  }
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'mcl') {
    void vscode.window.showWarningMessage('mcl: open an .mcl file first.');
    return undefined;
  }
  return doc;
}

function runningClient(): LanguageClient | undefined {
  if (!client || !client.isRunning()) {
    void vscode.window.showErrorMessage('mcl: the language server is not running (MCL: Restart language server).');
    return undefined;
  }
  return client;
}

async function deploy(uri: vscode.Uri | undefined, noop: boolean): Promise<void> {
  const doc = await targetDocument(uri);
  const c = runningClient();
  if (!doc || !c) {
    return;
  }
  if (doc.isDirty && !(await doc.save())) {
    void vscode.window.showErrorMessage('mcl: save the file before deploying it.');
    return;
  }
  const name = vscode.workspace.asRelativePath(doc.uri);
  const token = `mcl-deploy-${process.pid}-${++progressCounter}`;
  const title = noop ? `mcl: deploying ${name} (noop)` : `mcl: deploying ${name}`;
  try {
    const message = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, cancel) => {
        let last = 0;
        const sub = c.onProgress(WorkDoneProgress.type, token, (value) => {
          if (value.kind === 'begin' || value.kind === 'report') {
            const v = value as WorkDoneProgressBegin | WorkDoneProgressReport;
            const pct = v.percentage ?? last;
            progress.report({ message: v.message, increment: Math.max(0, pct - last) });
            last = pct;
          }
        });
        try {
          return await c.sendRequest(
            ExecuteCommandRequest.type,
            { command: SERVER_COMMANDS.deploy, arguments: deployArguments(doc.uri.toString(), noop), workDoneToken: token },
            cancel,
          );
        } finally {
          sub.dispose();
        }
      },
    );
    const text = typeof message === 'string' && message !== '' ? message : 'deployed';
    void vscode.window.showInformationMessage(`mcl: ${text}`);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(`mcl: deploying ${name} failed: ${msg}`);
  }
}

async function showGraph(uri?: vscode.Uri): Promise<void> {
  const doc = await targetDocument(uri);
  if (!doc || !runningClient()) {
    return;
  }
  const graphUri = GraphDocuments.uriFor(doc.uri);
  const graphDoc = await vscode.workspace.openTextDocument(graphUri);
  await vscode.window.showTextDocument(graphDoc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

/** Read-only documents `mcl-graph:/<name>.graph?<source uri>` whose text is the server's graph. */
class GraphDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Map<string, vscode.Uri>();

  static uriFor(source: vscode.Uri): vscode.Uri {
    const base = source.path.split('/').pop() ?? 'program.mcl';
    return vscode.Uri.from({ scheme: GRAPH_SCHEME, path: `/${base}.graph`, query: source.toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    this.open.set(uri.query, uri);
    const c = client;
    if (!c || !c.isRunning()) {
      return '# the mcl language server is not running\n';
    }
    try {
      const result = await c.sendRequest(
        ExecuteCommandRequest.type,
        { command: SERVER_COMMANDS.showGraph, arguments: showGraphArguments(uri.query) },
        token,
      );
      return typeof result === 'string' ? result : JSON.stringify(result, null, 2);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return `# no graph: ${msg.replace(/\n/g, '\n# ')}\n`;
    }
  }

  /** Refresh an open graph when its program is saved. */
  sourceSaved(source: vscode.Uri): void {
    const uri = this.open.get(source.toString());
    if (uri) {
      this.changed.fire(uri);
    }
  }
}
