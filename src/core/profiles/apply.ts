/**
 * How a resolved profile turns into what a request needs: the model, the request options, the endpoint settings
 * with the profile layers' providers merged in, and a key source that never hands a workspace provider a key.
 */
import type { TackSettings } from '../config/settings';
import type { KeySource } from '../ports';
import type { RequestOptions } from '../providers/request';
import type { ResolvedProfiles } from './resolve';
import type { ResolvedProfile } from './types';

/** The model a turn uses: an explicit choice (CLI `--model`, the editor's picker), else the profile's, else the setting. */
export function modelForTurn(explicit: string | undefined, profile: ResolvedProfile | undefined, settings: Pick<TackSettings, 'model'>): string {
  return explicit?.trim() || profile?.model || settings.model;
}

/**
 * The request options a profile sets for one request. `numCtx` is the value computed for Ollama
 * (see `chooseOllamaNumCtx`); OpenRouter routing goes as OpenRouter's own `provider` object, so the
 * quantization floor is enforced by OpenRouter, not just displayed.
 */
export function requestOptionsFor(profile: ResolvedProfile | undefined, providerId: string, numCtx?: number): RequestOptions {
  const o: RequestOptions = {};
  if (!profile) return numCtx !== undefined ? { numCtx } : o;
  if (profile.temperature !== undefined) o.temperature = profile.temperature;
  if (profile.topP !== undefined) o.topP = profile.topP;
  if (profile.maxOutputTokens !== undefined) o.maxOutputTokens = profile.maxOutputTokens;
  if (profile.reasoning !== undefined) o.reasoning = profile.reasoning;
  const ctx = numCtx ?? profile.numCtx;
  if (ctx !== undefined) o.numCtx = ctx;
  if (profile.openrouter) {
    const r = profile.openrouter;
    const provider: Record<string, unknown> = {};
    if (r.quantizations) provider.quantizations = r.quantizations;
    if (r.order) provider.order = r.order;
    if (r.only) provider.only = r.only;
    if (r.ignore) provider.ignore = r.ignore;
    if (r.allowFallbacks !== undefined) provider.allow_fallbacks = r.allowFallbacks;
    if (r.sort) provider.sort = r.sort;
    if (Object.keys(provider).length) o.openrouterProvider = provider;
  }
  // OpenRouter can fall back itself within one request; only models on the same provider qualify.
  const sameProvider = profile.fallbackModels.filter(m => m.startsWith(`${providerId}/`)).map(m => m.slice(providerId.length + 1));
  if (providerId === 'openrouter' && sameProvider.length) o.openrouterModels = sameProvider;
  return o;
}

/**
 * Endpoint settings with the profile layers' providers added. The user's own `tack.providers` entries always win;
 * workspace providers never collide with them (the resolver rejected those).
 */
export function settingsWithProfileProviders(settings: TackSettings, resolved: Pick<ResolvedProfiles, 'providers'>): TackSettings {
  const providers = { ...settings.providers };
  for (const [id, p] of Object.entries(resolved.providers)) {
    if (Object.prototype.hasOwnProperty.call(providers, id)) continue;
    providers[id] = { type: p.type ?? 'openai-compatible', baseUrl: p.baseUrl, ...(p.label ? { label: p.label } : {}), ...(p.quantization ? { quantization: p.quantization } : {}) } as TackSettings['providers'][string];
  }
  return { ...settings, providers };
}

/** Provider ids defined by the workspace: they must never receive a stored key. */
export function workspaceProviderIds(resolved: Pick<ResolvedProfiles, 'providers'>): Set<string> {
  return new Set(Object.values(resolved.providers).filter(p => p.fromWorkspace).map(p => p.id));
}

/**
 * A key source that answers "no key" for workspace-defined providers without even looking one up, so a
 * repository that names its provider like an environment variable or a stored secret still gets nothing.
 */
export function withoutWorkspaceKeys(keys: KeySource, workspaceIds: ReadonlySet<string>): KeySource {
  const wrapped: KeySource = { getKey: id => (workspaceIds.has(id) ? Promise.resolve(undefined) : keys.getKey(id)) };
  if (keys.confirmOrigin) {
    const confirm = keys.confirmOrigin.bind(keys);
    wrapped.confirmOrigin = (id, origin, previous) => (workspaceIds.has(id) ? Promise.resolve(false) : confirm(id, origin, previous));
  }
  return wrapped;
}

/** `quantization` the user wrote on a provider entry (`tack.providers` or a profiles file), for probes to label `declared`. */
export function providerDeclaredQuantization(settings: TackSettings, providerId: string): string | undefined {
  const entry = Object.prototype.hasOwnProperty.call(settings.providers, providerId) ? settings.providers[providerId] as { quantization?: unknown } : undefined;
  return typeof entry?.quantization === 'string' && entry.quantization.trim() ? entry.quantization.trim() : undefined;
}
