/**
 * MCP servers and skills for one window. The McpManager is created when a run first needs tools (never at
 * activation) from the user-level `tack.mcpServers` (user value only) and the workspace's files; a run whose
 * selection or definitions differ gets a new manager (the old one's processes are stopped first), so an edited
 * definition asks again. Never in Restricted Mode. Approvals are modals and live in globalState (mcp-approval.ts).
 * Skills are discovered per run; invalid SKILL.md front matter and MCP file problems go to Problems. Logs go to the
 * "Tack MCP" output channel; the panel's harness line is posted on every change. Disposed with the window.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  definitionHash, discoverSkills, loadMcpConfig, McpManager, selectServers, selectSkills, skillsPromptSection,
  type Logger, type McpConfig, type McpServerStatus, type ResolvedProfile, type Skill, type SkillScan,
} from '../core/index';
import type { HarnessView, HostToWebview } from '../shared/protocol';
import { confirmToolsChangeModal, editorServerApprovals, globalStateTrustStore } from './mcp-approval';
import { userMcpServers } from './settings';

export interface HarnessForRun {
  mcp?: McpManager;
  skills: Skill[];
  /** The system prompt's skills section ('' without skills). */
  section: string;
}

export interface EditorHarnessDeps {
  globalState: vscode.Memento;
  /** The active profile as the next run would use it. */
  profile(): ResolvedProfile;
  post(msg: HostToWebview): void;
  log: Logger;
}

interface Listed {
  profile: ResolvedProfile;
  config: McpConfig;
  scan: SkillScan;
  selected: Skill[];
}

const STDERR_LINES = 5;

export class EditorHarness implements vscode.Disposable {
  private manager?: McpManager;
  private managerKey = '';
  private offState?: () => void;
  private channel?: vscode.LogOutputChannel;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('tack-harness');
  private readonly store;
  private readonly disposables: vscode.Disposable[] = [];
  private listed?: Listed;
  private last?: HarnessView;
  private rescanTimer?: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly d: EditorHarnessDeps) {
    this.store = globalStateTrustStore(d.globalState);
    const watcher = vscode.workspace.createFileSystemWatcher('**/{SKILL.md,mcp.json,.mcp.json}');
    const later = () => this.rescanSoon();
    this.disposables.push(watcher, watcher.onDidChange(later), watcher.onDidCreate(later), watcher.onDidDelete(later),
      vscode.workspace.onDidGrantWorkspaceTrust(later),
      vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration('tack.mcpServers')) later(); }));
  }

  /** The "Tack MCP" output channel, created on first use. */
  get log(): Logger {
    const c = (this.channel ??= vscode.window.createOutputChannel('Tack MCP', { log: true }));
    return { info: m => c.info(m), warn: m => c.warn(m), error: m => c.error(m) };
  }

  showLog(): void {
    void this.log;
    this.channel?.show(true);
  }

  /** The MCP servers and skills of the next run: the manager (started by the run's first step, not here). */
  async forRun(profile: ResolvedProfile): Promise<HarnessForRun> {
    const listed = await this.list(profile);
    const root = rootPath();
    const trusted = vscode.workspace.isTrusted;
    const sel = selectServers(listed.config, profile);
    for (const m of sel.missing) this.log.warn(`Profile "${profile.name}" names MCP server "${m}", which no configuration defines.`);
    const run = root && trusted ? sel.run : [];
    // The manager lives as long as what it would start stays the same: names, sources and definition hashes.
    const key = JSON.stringify([root, run.map(s => [s.name, s.source, definitionHash(s)]), sel.offered.map(s => s.name)]);
    if (key !== this.managerKey) {
      await this.stopManager();
      this.managerKey = key;
      if (run.length && !this.disposed) {
        const log = this.log;
        const m = new McpManager({
          servers: run, offered: sel.offered, log,
          trust: { root: root!, store: this.store, port: editorServerApprovals(log), workspaceTrusted: trusted },
          confirmToolsChange: (server, change) => confirmToolsChangeModal(server, change, log),
        });
        this.offState = m.onState(c => {
          const line = `${c.server}: ${c.state}${c.tools !== undefined ? ` (${c.tools} tools)` : ''}${c.message ? ` — ${c.message}` : ''}`;
          if (c.state === 'failed' || c.state === 'declined' || c.state === 'tools_changed') log.warn(line); else log.info(line);
          if (c.state === 'failed') for (const l of m.status().find(s => s.name === c.server)?.stderr ?? []) log.warn(`${c.server} stderr: ${l}`);
          this.publish();
        });
        this.manager = m;
      }
    }
    this.publish();
    return { ...(this.manager ? { mcp: this.manager } : {}), skills: listed.selected, section: skillsPromptSection(listed.selected) };
  }

  /** Reads the MCP configuration and the skills again and posts the harness line (profile or files changed). */
  async rescan(): Promise<void> {
    try {
      await this.list(this.d.profile());
      this.publish();
    } catch (err) {
      this.d.log.warn(`Could not list MCP servers and skills: ${(err as Error).message}`);
    }
  }

  /** Posts the last harness line again (the panel was reloaded). */
  repost(): void {
    if (this.last) this.d.post({ type: 'harness', harness: this.last });
    else void this.rescan();
  }

  /** What the details view lists. */
  view(): HarnessView | undefined {
    return this.last;
  }

  skillFile(name: string): string | undefined {
    return this.listed?.scan.skills.find(s => s.name === name)?.file;
  }

  serverStatus(name: string): McpServerStatus | undefined {
    return this.manager?.status().find(s => s.name === name);
  }

  private rescanSoon(): void {
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => { void this.rescan(); }, 300);
  }

  private async list(profile: ResolvedProfile): Promise<Listed> {
    const root = rootPath();
    const trusted = vscode.workspace.isTrusted;
    const [config, scan] = await Promise.all([
      loadMcpConfig({ ...(root ? { root } : {}), userServers: userMcpServers(), env: process.env }),
      discoverSkills({ ...(root ? { root } : {}), home: os.homedir(), trusted }),
    ]);
    this.diagnose(root, config, scan);
    this.listed = { profile, config, scan, selected: selectSkills(scan.skills, profile.skills) };
    return this.listed;
  }

  /** SKILL.md and workspace MCP file problems in Problems (the user setting's problems go to the log). */
  private diagnose(root: string | undefined, config: McpConfig, scan: SkillScan): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (file: string, d: vscode.Diagnostic) => {
      const abs = path.isAbsolute(file) ? file : root ? path.join(root, file) : undefined;
      if (!abs) return;
      byFile.set(abs, [...(byFile.get(abs) ?? []), d]);
    };
    for (const s of scan.diagnostics) {
      const pos = new vscode.Position(Math.max(0, s.line - 1), Math.max(0, s.column - 1));
      const d = new vscode.Diagnostic(new vscode.Range(pos, pos.translate(0, 1)), s.message, s.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.source = 'Tack skills';
      add(s.file, d);
    }
    for (const p of config.problems) {
      if (p.file === 'tack.mcpServers') { this.log.warn(`tack.mcpServers: ${p.message}`); continue; }
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.source = 'Tack MCP';
      add(p.file, d);
    }
    this.diagnostics.clear();
    for (const [file, ds] of byFile) this.diagnostics.set(vscode.Uri.file(file), ds);
  }

  /** The harness line from the listed configuration and the running manager's states. */
  private publish(): void {
    const l = this.listed;
    if (!l || this.disposed) return;
    const trusted = vscode.workspace.isTrusted;
    const policies = Object.values(l.profile.tools);
    const running = new Map((this.manager?.status() ?? []).map(s => [s.name, s]));
    const sel = selectServers(l.config, l.profile);
    const selected = new Set(sel.run.map(s => s.name));
    const servers: HarnessView['servers'] = Object.values(l.config.servers).map(def => {
      const st = running.get(def.name);
      if (st) {
        return {
          name: def.name, source: def.source, state: st.state, ...(st.tools !== undefined ? { tools: st.tools } : {}),
          ...(st.message ? { message: st.message.slice(0, 4000) } : {}), ...(st.stderr?.length ? { stderr: st.stderr.slice(-STDERR_LINES).map(x => x.slice(0, 2000)) } : {}),
        };
      }
      if (!trusted) return { name: def.name, source: def.source, state: 'restricted', message: 'Restricted Mode: MCP servers never start in an untrusted folder.' };
      return { name: def.name, source: def.source, state: selected.has(def.name) ? 'stopped' : 'offered', ...(selected.has(def.name) ? { message: 'starts with the next run' } : { message: `the profile "${l.profile.name}" does not name it` }) };
    });
    this.last = {
      profile: l.profile.name,
      tools: { on: policies.filter(p => p === 'auto').length, ask: policies.filter(p => p === 'ask').length, off: policies.filter(p => p === 'deny').length },
      servers,
      skills: l.selected.map(s => ({ name: s.name, loaded: s.loadable })),
    };
    this.d.post({ type: 'harness', harness: this.last });
  }

  private async stopManager(): Promise<void> {
    const m = this.manager;
    this.manager = undefined;
    this.offState?.();
    this.offState = undefined;
    if (m) await m.dispose();
  }

  /** Stops every server process of the window. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.rescanTimer);
    void this.stopManager();
    this.diagnostics.dispose();
    for (const d of this.disposables) d.dispose();
    this.channel?.dispose();
  }
}

function rootPath(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}
