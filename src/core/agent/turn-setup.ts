/**
 * What a host needs to run a turn with a profile, in one place for the CLI and the editor: the model, settings with
 * the profile layers' providers, a key source that never gives a workspace provider a key, the per-turn hooks
 * (allowedProviders, request options incl. Ollama's num_ctx, price, fallbackModels) and the system prompt.
 */
import type { TurnOptions } from './turn-options';
import type { ProfileSettings } from '../config/profile-settings';
import type { TackSettings } from '../config/settings';
import type { WorkspaceReader } from '../files/workspace-reader';
import type { PriceLookup } from '../ledger/cost';
import { chooseOllamaNumCtx } from '../models/context-window';
import { probeOllama, serverKindOf, type ProbeResult, type ProbeTarget } from '../models/probes';
import type { KeySource } from '../ports';
import { loadPrompt } from '../prompts';
import { modelForTurn, requestOptionsFor, settingsWithProfileProviders, withoutWorkspaceKeys, workspaceProviderIds } from '../profiles/apply';
import { checkAllowedProvider, nextFallbackModel } from '../profiles/policy';
import { composeSystemPrompt, instructionFiles, systemPromptSource } from '../profiles/prompt';
import type { ProfileState } from '../profiles/store';
import type { ResolvedProfile } from '../profiles/types';

export interface TurnSetupInput {
  state: ProfileState;
  /** Undefined: the default profile. */
  profileName?: string;
  /** A model chosen explicitly (CLI --model, the editor's picker) wins over the profile's. */
  explicitModel?: string;
  settings: TackSettings;
  ollama: ProfileSettings['ollama'];
  keys: KeySource;
  prices: PriceLookup;
  /** Ollama probe; hosts pass a cached one. Defaults to a fresh probe per turn. */
  probeOllama?: (t: ProbeTarget) => Promise<ProbeResult>;
  warn(message: string): void;
}

export interface TurnSetup {
  profile: ResolvedProfile;
  settings: TackSettings;
  keys: KeySource;
  modelRef: string;
  turn: TurnOptions;
}

export function prepareProfileTurn(i: TurnSetupInput): TurnSetup | { error: string } {
  const r = i.state.resolved;
  const name = i.profileName ?? r.defaultProfile;
  const profile = r.profiles[name];
  if (!profile) return { error: `Unknown profile "${name}". Profiles: ${r.names.join(', ')}.` };
  const settings = settingsWithProfileProviders(i.settings, r);
  const probe = i.probeOllama ?? (t => probeOllama(t, { timeoutMs: settings.network.connectTimeoutMs }));
  return {
    profile,
    settings,
    keys: withoutWorkspaceKeys(i.keys, workspaceProviderIds(r)),
    modelRef: modelForTurn(i.explicitModel, profile, i.settings),
    turn: {
      // The budget is the loop's: it owns the ledger and asks before going on past it.
      check: target => checkAllowedProvider(profile, target.endpoint.id),
      options: async target => {
        let numCtx: number | undefined;
        if (serverKindOf(target.endpoint.id, target.endpoint.baseUrl, target.endpoint.type) === 'ollama') {
          // Probed even when a profile sets numCtx: the model's own limit caps what a profile may ask for.
          const facts = await probe({ providerId: target.endpoint.id, baseUrl: target.endpoint.baseUrl, modelId: target.modelId, type: target.endpoint.type });
          const choice = chooseOllamaNumCtx({
            profileNumCtx: profile.numCtx, settingNumCtx: i.ollama.numCtx,
            modelContextLength: facts?.contextWindow, modelfileNumCtx: facts?.numCtx, maxNumCtx: i.ollama.maxNumCtx,
          });
          if (choice.warning) i.warn(choice.warning);
          numCtx = choice.numCtx;
        }
        return requestOptionsFor(profile, target.endpoint.id, numCtx);
      },
      price: target => i.prices(target.endpoint.id, target.modelId),
      fallback: (kind, tried) => nextFallbackModel(profile, tried, kind),
    },
  };
}

/** The profile's system prompt with its instruction files, as one string. Throws with a message a person can act on. */
export async function systemPromptFor(profile: ResolvedProfile, workspace: WorkspaceReader | undefined, promptsDir: string, warn: (m: string) => void): Promise<string> {
  const source = systemPromptSource(profile);
  let base: string;
  if (source.kind === 'builtin') {
    base = await loadPrompt(promptsDir, source.name);
  } else {
    const text = workspace ? await workspace.readInside(source.path) : undefined;
    if (text === undefined) throw new Error(`the system prompt file ${source.path} of profile "${profile.name}" does not exist`);
    base = text;
  }
  const found: Array<{ path: string; text: string }> = [];
  if (workspace) {
    for (const f of instructionFiles(profile)) {
      const text = await workspace.readInside(f.path).catch((err: Error) => { warn(`instruction file skipped: ${err.message}`); return undefined; });
      if (text !== undefined) found.push({ path: f.path, text });
      else if (!f.optional) warn(`instruction file ${f.path} of profile "${profile.name}" does not exist.`);
    }
  }
  return composeSystemPrompt(base, found);
}
