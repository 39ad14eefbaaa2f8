/**
 * Profiles in the editor: reads `.tack/profiles.jsonc` of the first workspace folder and the user's `tack.profiles`,
 * keeps them in core's ProfileStore (last valid version wins over a broken edit), shows diagnostics in the Problems
 * panel, re-reads on every change of the file or the setting, and re-resolves when trust is granted.
 * The chosen profile is remembered per workspace.
 */
import * as vscode from 'vscode';
import {
  PROFILES_MAX_BYTES, ProfileStore, readBoundedFile, WORKSPACE_PROFILES_PATH, type Logger, type ProfileDiagnostic, type ProfileState, type ResolvedProfile,
} from '../core/index';
import { readSettings, userValue } from './settings';

const CHOSEN_PROFILE = 'tack.chosenProfile';

function rangeOf(d: ProfileDiagnostic, text: string | undefined): vscode.Range {
  const start = new vscode.Position(Math.max(0, d.line - 1), Math.max(0, d.column - 1));
  if (!text || d.length <= 0) return new vscode.Range(start, start.translate(0, 1));
  const endOffset = Math.min(text.length, d.offset + d.length);
  const before = text.slice(0, endOffset).split('\n');
  return new vscode.Range(start, new vscode.Position(before.length - 1, before[before.length - 1].length));
}

export class ProfilesHost implements vscode.Disposable {
  readonly store: ProfileStore;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('tack-profiles');
  private readonly changed = new vscode.EventEmitter<ProfileState>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.diagnostics, this.changed];
  private fileText?: string;

  constructor(private readonly state: vscode.Memento, private readonly builtinPrompts: readonly string[], private readonly log: Logger) {
    this.store = new ProfileStore({ userProviderIds: Object.keys(readSettings().providers), trusted: vscode.workspace.isTrusted, builtinPrompts }, WORKSPACE_PROFILES_PATH);
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, WORKSPACE_PROFILES_PATH));
      this.disposables.push(watcher, watcher.onDidCreate(() => this.reload()), watcher.onDidChange(() => this.reload()), watcher.onDidDelete(() => this.reload()));
    }
    this.disposables.push(
      // Typing in the file updates diagnostics (and profiles) before it is saved.
      vscode.workspace.onDidChangeTextDocument(e => { if (this.isProfilesFile(e.document.uri)) this.apply(e.document.getText()); }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => { this.setContext(); void this.reload(); }),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('tack.profiles') || e.affectsConfiguration('tack.providers')) { this.setContext(); this.applyUser(); this.emit(); }
      }),
    );
    this.applyUser();
  }

  get current(): ProfileState {
    return this.store.current;
  }

  fileUri(): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? vscode.Uri.joinPath(folder.uri, WORKSPACE_PROFILES_PATH) : undefined;
  }

  /** The remembered profile of this workspace, or the default one. */
  active(): ResolvedProfile {
    return this.store.profile(this.state.get<string>(CHOSEN_PROFILE));
  }

  async choose(name: string): Promise<void> {
    await this.state.update(CHOSEN_PROFILE, name);
    this.emit();
  }

  /** Reads the file (or its unsaved editor text) and applies it. Never throws: an unreadable file is reported. */
  async reload(): Promise<ProfileState> {
    const uri = this.fileUri();
    if (!uri) return this.apply(undefined);
    const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
    if (open) return this.apply(open.getText());
    if (uri.scheme === 'file') {
      // A repository's file: only a regular file under the size cap is read (a FIFO or /dev/zero never hangs Tack).
      const r = await readBoundedFile(uri.fsPath, PROFILES_MAX_BYTES);
      if ('missing' in r) return this.apply(undefined);
      if ('error' in r) {
        this.log.warn(`${WORKSPACE_PROFILES_PATH} was not read: ${r.error}`);
        return this.apply(undefined);
      }
      return this.apply(r.text);
    }
    try {
      return this.apply(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    } catch (err) {
      if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return this.apply(undefined);
      this.log.warn(`${WORKSPACE_PROFILES_PATH} could not be read: ${(err as Error).message}`);
      return this.apply(undefined);
    }
  }

  private isProfilesFile(uri: vscode.Uri): boolean {
    return uri.toString() === this.fileUri()?.toString();
  }

  private setContext(): void {
    this.store.setContext({ userProviderIds: Object.keys(readSettings().providers), trusted: vscode.workspace.isTrusted, builtinPrompts: this.builtinPrompts });
  }

  private applyUser(): void {
    const value = userValue('profiles');
    this.store.updateUser(value === undefined ? undefined : { value });
  }

  private apply(text: string | undefined): ProfileState {
    this.fileText = text;
    const state = this.store.update(text);
    this.publish(state);
    this.emit();
    return state;
  }

  private publish(state: ProfileState): void {
    this.diagnostics.clear();
    const uri = this.fileUri();
    const forFile = state.diagnostics.filter(d => d.source === 'workspace');
    if (uri && forFile.length) {
      this.diagnostics.set(uri, forFile.map(d => {
        const diag = new vscode.Diagnostic(rangeOf(d, this.fileText), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        diag.source = 'Tack';
        return diag;
      }));
    }
  }

  private emit(): void {
    this.changed.fire(this.store.current);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
