/**
 * Tack's models in VS Code's own chat and for other extensions (`vscode.lm.selectChatModels({ vendor: 'tack' })`),
 * where the editor has the Language Model Chat Provider API (feature-detected). The models are those of the providers
 * in the user's settings that can be listed without asking anything (local servers, keys already stored for their
 * origin), filtered by the active profile's allowedProviders. Requests go through the same provider layer as the
 * panel: same endpoint resolution, keys only to their origin (a changed origin asks, as in the panel), the profile's
 * allowedProviders checked again per request; repository-defined providers are never offered (only user settings
 * are read), so Restricted Mode changes nothing here. `tack.languageModels.enabled` turns it off.
 */
import * as vscode from 'vscode';
import {
  catalogPrice, checkAllowedProvider, estimateTokens, listEndpoints, listModels, priceUsage, resolveKey, resolveTarget, streamResponse,
  type BreakdownInput, type FetchFn, type KeySource, type Logger, type ModelInfo, type ResolvedProfile, type StreamEvent, type TackSettings, type Usage,
} from '../core/index';
import { toToolDefinitions, toTranscript } from './lm-messages';
import { detectLmApi, type LmApi, type LmChatInformation, type LmChatProvider, type LmRequestMessage, type LmResponseOptions } from './lm-types';

export const LM_VENDOR = 'tack';

export type UsageEvent = Extract<StreamEvent, { type: 'usage' }>;

export interface LmProviderDeps {
  settings(): TackSettings;
  keys: KeySource;
  log: Logger;
  /** The active profile (its allowedProviders apply); undefined: no restriction. */
  profile(): ResolvedProfile | undefined;
  /** Books one response's usage (priced from the catalog when the provider reported no cost). Must not throw. */
  onUsage(modelRef: string, ev: UsageEvent): void;
  /** The request inspector: each request is sent through the fetch it returns, its usage reported back. */
  track?(input: BreakdownInput): { fetch: FetchFn; usage(u: Usage): void };
}

const DEFAULT_INPUT = 32_768;
const DEFAULT_OUTPUT = 4_096;

function info(m: ModelInfo, label: string): LmChatInformation {
  const ref = `${m.providerId}/${m.id}`;
  return {
    id: ref, name: `${m.label ?? m.id} · ${label}`, family: m.id, version: m.catalogAsOf ?? '',
    detail: label, tooltip: `${ref} through Tack`,
    maxInputTokens: m.contextWindow ?? DEFAULT_INPUT, maxOutputTokens: m.maxOutput ?? DEFAULT_OUTPUT,
    capabilities: { toolCalling: m.capabilities?.tools ?? true, imageInput: m.capabilities?.vision ?? false },
  };
}

export class TackLanguageModels implements LmChatProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;

  constructor(private readonly api: LmApi, private readonly d: LmProviderDeps) {}

  /** The model list may have changed (settings, keys, profile). */
  refresh(): void {
    this.changed.fire();
  }

  async provideLanguageModelChatInformation(): Promise<LmChatInformation[]> {
    const settings = this.d.settings();
    const profile = this.d.profile();
    const endpoints = listEndpoints(settings).endpoints.filter(e => !checkAllowedProvider(profile, e.id));
    const lists = await Promise.all(endpoints.map(async e => {
      // Listing never asks: a key goes only where keys.ts already allows it; endpoints that need one and lack it are left out.
      const stored = await this.d.keys.getKey(e.id).catch(() => undefined);
      const l = await listModels(e, stored, { ...settings.network, connectTimeoutMs: Math.min(settings.network.connectTimeoutMs, 3000) }, { log: this.d.log });
      return l.needsKey || l.error ? [] : l.infos.map(m => info(m, e.label));
    }));
    return lists.flat();
  }

  async provideLanguageModelChatResponse(model: LmChatInformation, messages: readonly LmRequestMessage[], options: LmResponseOptions, progress: vscode.Progress<unknown>, token: vscode.CancellationToken): Promise<void> {
    const settings = this.d.settings();
    const resolved = resolveTarget(settings, model.id);
    if ('error' in resolved) throw new Error(`Tack: ${resolved.error.message}`);
    const { target } = resolved;
    const refused = checkAllowedProvider(this.d.profile(), target.endpoint.id);
    if (refused) throw new Error(`Tack: ${refused.message}`);
    const { apiKey, keyWithheld } = await resolveKey(target.endpoint, this.d.keys, this.d.log);
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    const { system, messages: transcript } = toTranscript(this.api, messages, target.modelRef);
    const tools = toToolDefinitions(options.tools);
    const temperature = options.modelOptions?.temperature;
    const price = catalogPrice(target.endpoint.id, target.modelId);
    const tracked = this.d.track?.({ ...(system ? { system } : {}), messages: transcript, tools });
    try {
      for await (const ev of streamResponse({
        endpoint: target.endpoint, modelId: target.modelId, ...(apiKey ? { apiKey } : {}), ...(keyWithheld ? { keyWithheld } : {}),
        ...(system ? { system } : {}), messages: transcript, ...(tools.length ? { tools } : {}),
        signal: controller.signal, network: settings.network, log: this.d.log, ...(tracked ? { fetch: tracked.fetch } : {}),
        ...(typeof temperature === 'number' ? { options: { temperature } } : {}),
      })) {
        switch (ev.type) {
          case 'text': progress.report(new this.api.TextPart(ev.delta)); break;
          case 'tool_call_end': {
            let input: object = {};
            try { input = JSON.parse(ev.args || '{}'); } catch { throw new Error(`Tack: ${target.modelRef} sent tool-call arguments that are not JSON.`); }
            progress.report(new this.api.ToolCallPart(ev.id, ev.name, input));
            break;
          }
          case 'usage': {
            const priced: UsageEvent = ev.usage.costUsd === null && price ? { ...ev, ...priceUsage(ev.usage, price) } : { ...ev, costSource: ev.usage.costUsd === null ? 'unknown' : 'provider' };
            this.d.onUsage(target.modelRef, priced);
            tracked?.usage(ev.usage);
            break;
          }
          case 'error':
            if (ev.kind === 'cancelled' && token.isCancellationRequested) return;
            throw new Error(`Tack (${target.modelRef}): ${ev.message}`);
        }
      }
    } finally {
      cancel.dispose();
    }
  }

  async provideTokenCount(_model: LmChatInformation, text: string | LmRequestMessage): Promise<number> {
    if (typeof text === 'string') return estimateTokens(text);
    return estimateTokens(text.content.filter(this.api.isText).map(p => p.value).join(''));
  }
}

/** Whether `tack.languageModels.enabled` is on (user value only, like every Tack setting). */
function enabled(): boolean {
  const i = vscode.workspace.getConfiguration('tack').inspect<boolean>('languageModels.enabled');
  return (i?.globalValue ?? i?.defaultValue ?? true) !== false;
}

/**
 * Registers the provider when the editor has the API and the setting allows it, and follows the setting. Returns the
 * disposables to add to the extension's subscriptions, and `refresh` for when settings, keys or the profile change.
 */
export function registerLanguageModels(deps: LmProviderDeps): { disposables: vscode.Disposable[]; refresh(): void; available: boolean } {
  const api = detectLmApi(vscode);
  if (!api) return { disposables: [], refresh: () => {}, available: false };
  const provider = new TackLanguageModels(api, deps);
  let registration: vscode.Disposable | undefined;
  const sync = () => {
    if (enabled() && !registration) {
      try {
        registration = api.register(LM_VENDOR, provider);
      } catch (err) {
        deps.log.warn(`Tack's models could not be offered to VS Code's chat: ${(err as Error).message}`);
      }
    } else if (!enabled() && registration) {
      registration.dispose();
      registration = undefined;
    }
  };
  sync();
  return {
    available: true,
    refresh: () => provider.refresh(),
    disposables: [
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('tack.languageModels.enabled')) sync();
        if (e.affectsConfiguration('tack.providers')) provider.refresh();
      }),
      { dispose: () => registration?.dispose() },
    ],
  };
}
