/**
 * The editor's session state around core: the active profile and model, the turn plan each request runs with, the
 * session ledger and usage log, the model facts for the status bar, and the notices the panel shows.
 * One instance per window; extension.ts wires it to the views and commands.
 */
import * as vscode from 'vscode';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  catalogPrice, checkBudget, compactionPromptFrom, discoverAgents, RESTRICTED_MODE_NOTICE, chooseOllamaNumCtx, checkExpectedQuantization, effectiveContextWindow, emptyTotals, lookupModel,
  nodeExec, nodeWorkspaceReader, prepareProfileTurn, providerDeclaredQuantization, resolveTarget, runTools, serverKindOf, systemPromptFor,
  totalTokens, usageRecord, UsageLog, type AgentEvent, type AgentSession, type KeySource, type Logger, type ProbeResult, type RunPlan,
  type SessionTotals, type TurnSetup,
} from '../core/index';
import type { HostToWebview, ModelInfo } from '../shared/protocol';
import type { EditorHarness } from './editor-harness';
import type { ModelChoice } from './model-choice';
import type { ModelFacts } from './model-facts';
import type { ProfilesHost } from './profiles-host';
import { readProfileSettings, readSettings } from './settings';
import { describeModel, formatCost, formatTokens, type StatusBar } from './status-bar';

type Notice = Extract<HostToWebview, { type: 'notices' }>['items'][number];

export interface TackHostDeps {
  profiles: ProfilesHost;
  choice: ModelChoice;
  facts: ModelFacts;
  status: StatusBar;
  keys: KeySource;
  log: Logger;
  usageLog: UsageLog;
  promptsDir: string;
  /** Where sessions keep their own files (user storage, never the workspace). */
  storageDir: string;
  rgPath: string;
  /** Sessions: the data folder (whole tool outputs) of a saved session, next to its file. */
  sessionDataDir?: (id: string) => string;
  files: (root: string) => import('../core/index').FileOps;
  post(msg: HostToWebview): void;
  /** The window's MCP servers and skills (editor-harness.ts). */
  harness?: EditorHarness;
}

export class TackHost {
  /** The session's totals as the loop's last usage event reported them (core owns the ledger). */
  totals: SessionTotals = emptyTotals();
  private facts?: ProbeResult;
  private factsFor = '';
  /** The upstream provider that served the last response of each model (OpenRouter), for its quantization. */
  private readonly servedBy = new Map<string, string>();
  private lastSetup?: TurnSetup;
  /** The effective context window the status bar shows, for the model it was computed for (compaction uses it). */
  private window?: { modelRef: string; tokens: number };

  constructor(private readonly d: TackHostDeps) {}

  workspaceLabel(): string {
    return vscode.workspace.workspaceFolders?.[0]?.name ?? vscode.workspace.name ?? '(no folder)';
  }

  /** The setup for the next turn: profile, settings with its providers, keys, model, hooks. */
  setup(): TurnSetup {
    const r = prepareProfileTurn({
      state: this.d.profiles.current,
      profileName: this.d.profiles.active().name,
      explicitModel: this.d.choice.chosen(),
      settings: readSettings(),
      ollama: readProfileSettings().ollama,
      keys: this.d.keys,
      prices: catalogPrice,
      probeOllama: t => this.d.facts.probe(t),
      warn: m => this.d.log.warn(m),
    });
    // The profile always exists (the store falls back to the default), so an error here is a bug worth seeing.
    if ('error' in r) throw new Error(r.error);
    this.lastSetup = r;
    return r;
  }

  /** Everything a run needs, resolved once when it starts: profile, model, keys, tools (off in Restricted Mode). */
  async plan(session: AgentSession): Promise<RunPlan> {
    const s = this.setup();
    const folder = vscode.workspace.workspaceFolders?.[0];
    const root = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
    // Subagents for the `task` tool (when the profile enables it): an untrusted folder's agents are listed, not used.
    const agents = Object.hasOwn(s.profile.tools, 'task')
      ? await discoverAgents({ ...(root ? { root } : {}), home: os.homedir(), trusted: vscode.workspace.isTrusted }) : undefined;
    for (const d of agents?.diagnostics ?? []) this.d.log.warn(`${d.file}:${d.line}:${d.column}: ${d.message}`);
    // MCP servers (started by the run's first step) and skills; the skills section follows the system prompt.
    const h = await this.d.harness?.forRun(s.profile);
    const tools = await runTools({
      profile: s.profile, promptsDir: this.d.promptsDir, root, files: this.d.files(root ?? ''), exec: nodeExec(this.d.rgPath),
      snapshots: session.snapshots, dataDir: this.d.sessionDataDir?.(session.id) ?? path.join(this.d.storageDir, 'sessions', session.id), trusted: vscode.workspace.isTrusted, log: this.d.log,
      ...(h?.mcp ? { mcp: h.mcp } : {}), ...(h ? { skills: h.skills } : {}), session: session.harness,
      ...(agents ? { agents: { agents: agents.agents, profiles: this.d.profiles.current.resolved.profiles } } : {}),
    });
    const section = h?.section ?? '';
    // Automatic compaction needs the real window: the one the status bar shows (num_ctx sent to Ollama, probes, catalog).
    const contextWindow = this.window?.modelRef === s.modelRef ? this.window.tokens : undefined;
    return {
      setup: { ...s, ...(contextWindow ? { contextWindow } : {}) },
      system: section ? async () => `${await this.systemPrompt()}\n\n${section}` : () => this.systemPrompt(),
      compactionPrompt: compactionPromptFrom(this.d.promptsDir), ...(tools ? { tools } : {}),
    };
  }

  modelRef(): string {
    return this.setup().modelRef;
  }

  modelInfo(): ModelInfo {
    const s = this.setup();
    const d = describeModel(s.settings, s.modelRef);
    return { label: d.label, ref: d.ref };
  }

  systemPrompt(): Promise<string> {
    const s = this.lastSetup ?? this.setup();
    const folder = vscode.workspace.workspaceFolders?.[0];
    const reader = folder?.uri.scheme === 'file' && vscode.workspace.isTrusted ? nodeWorkspaceReader(folder.uri.fsPath) : undefined;
    return systemPromptFor(s.profile, reader, this.d.promptsDir, m => this.d.log.warn(m));
  }

  /** The status bar and the usage log, projected from each event of a run. */
  observe(ev: AgentEvent): void {
    // A subagent's responses are booked like the session's own (its usage is already in the session totals).
    if (ev.type === 'subagent' && ev.event.type === 'usage') { this.observe(ev.event); return; }
    if (ev.type === 'stream' && ev.event.type === 'usage' && ev.event.servedBy) {
      const ref = this.lastSetup?.modelRef ?? '';
      if (this.servedBy.get(ref) !== ev.event.servedBy) {
        this.servedBy.set(ref, ev.event.servedBy);
        this.factsFor = ''; // probe again: the quantization is the serving provider's
      }
      return;
    }
    if (ev.type !== 'usage') return;
    this.totals = ev.totals;
    const slash = ev.modelRef.indexOf('/');
    const profile = this.lastSetup?.profile.name;
    void this.d.usageLog.append(usageRecord({
      now: new Date(), workspace: this.workspaceLabel(), provider: ev.modelRef.slice(0, slash), model: ev.modelRef.slice(slash + 1),
      ...(profile ? { profile } : {}), usage: ev.usage, costSource: ev.costSource,
    })).catch(err => this.d.log.error(`Could not write the usage log: ${(err as Error).message}`));
    this.refresh();
  }

  /** After a run: the totals are the run's last word; refresh the status bar. */
  runEnded(totals?: SessionTotals): void {
    if (totals) this.totals = totals;
    this.refresh();
  }

  newSession(): void {
    this.totals = emptyTotals();
    this.refresh();
  }

  private budgetTotals() {
    return { costUsd: this.totals.costUsd, tokens: totalTokens(this.totals) };
  }

  /** Updates the status bar and the panel's model label and notices; probes the model in the background. */
  refresh(): void {
    const s = this.setup();
    const profileState = this.d.profiles.current;
    const resolved = resolveTarget(s.settings, s.modelRef);
    const target = 'target' in resolved ? resolved.target : undefined;
    const servedBy = target ? this.servedBy.get(target.modelRef) : undefined;
    const key = target ? `${target.endpoint.id}\u0000${target.endpoint.baseUrl}\u0000${target.modelId}\u0000${servedBy ?? ''}` : '';
    if (key !== this.factsFor) {
      this.factsFor = key;
      this.facts = undefined;
      if (target) {
        void this.d.facts.forEndpoint(target.endpoint, target.modelId, providerDeclaredQuantization(s.settings, target.endpoint.id), servedBy).then(r => {
          if (this.factsFor === key) { this.facts = r; this.refresh(); }
        });
      }
    }
    const quantizationCheck = checkExpectedQuantization(s.profile.expectQuantization, this.facts?.quantization, s.profile.name);
    // Ollama gets the num_ctx Tack sends; that, not the model's maximum, is the window the request really has.
    const ollama = readProfileSettings().ollama;
    const sentNumCtx = target && serverKindOf(target.endpoint.id, target.endpoint.baseUrl, target.endpoint.type) === 'ollama'
      ? chooseOllamaNumCtx({ profileNumCtx: s.profile.numCtx, settingNumCtx: ollama.numCtx, modelContextLength: this.facts?.contextWindow, modelfileNumCtx: this.facts?.numCtx, maxNumCtx: ollama.maxNumCtx }).numCtx
      : undefined;
    const window = effectiveContextWindow(this.facts, target ? lookupModel(target.endpoint.id, target.modelId) : undefined, sentNumCtx);
    this.window = window.tokens ? { modelRef: s.modelRef, tokens: window.tokens } : undefined;
    const budget = checkBudget(this.budgetTotals(), s.profile);
    this.d.status.update({
      profile: s.profile,
      ...(profileState.notice ? { profileNotice: profileState.notice } : {}),
      settings: s.settings,
      modelRef: s.modelRef,
      ...(this.facts?.quantization ? { quantization: this.facts.quantization } : {}),
      quantizationCheck,
      totals: this.totals,
      ...(window.tokens ? { contextWindow: window.tokens, contextSource: window.source } : {}),
      budget,
    });
    const notices: Notice[] = [];
    if (!vscode.workspace.isTrusted) notices.push({ level: 'info', text: RESTRICTED_MODE_NOTICE });
    if (profileState.notice) notices.push({ level: 'warning', text: profileState.notice });
    if (quantizationCheck.status === 'mismatch' || quantizationCheck.status === 'unknown') notices.push({ level: 'warning', text: quantizationCheck.message });
    if (budget.level !== 'ok' && budget.message) notices.push({ level: budget.level === 'stop' ? 'error' : 'warning', text: budget.message });
    this.d.post({ type: 'notices', items: notices });
    const tokens = totalTokens(this.totals);
    this.d.post({ type: 'model', model: { ...this.modelInfo(), session: `${s.profile.name} · ${formatTokens(tokens)} tok · ${formatCost(this.totals.costUsd, this.totals.costPartial)}` } });
  }
}
