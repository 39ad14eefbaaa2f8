/**
 * Typed reader of Tack's settings. Only user-level values are read (never workspace or folder values), so a
 * repository's `.vscode/settings.json` cannot redirect a provider or change Tack's behaviour; the settings are
 * also `application`-scoped in package.json for the same reason.
 */
import * as vscode from 'vscode';
import { profileSettingsFromObject, settingsFromObject, type ProfileSettings, type TackSettings } from '../core/index';

const KEYS = [
  'model', 'providers', 'network.connectTimeoutSeconds', 'network.idleTimeoutSeconds', 'network.firstTokenTimeoutSeconds',
  'network.maxRetries', 'network.proxy', 'profiles', 'ollama.numCtx', 'ollama.maxNumCtx',
] as const;

/** The user-level (global) value of a Tack setting, ignoring workspace and folder values. */
export function userValue(key: (typeof KEYS)[number]): unknown {
  const i = vscode.workspace.getConfiguration('tack').inspect(key);
  return i?.globalValue ?? i?.defaultValue;
}

/** `tack.mcpServers`, the user's own value only: a workspace cannot define a server that skips approval. */
export function userMcpServers(): unknown {
  return vscode.workspace.getConfiguration('tack').inspect('mcpServers')?.globalValue;
}

function flatSettings(): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = userValue(key);
    if (value !== undefined) flat[`tack.${key}`] = value;
  }
  // Tack's requests never take a proxy from the environment; without its own setting they use the editor's
  // `http.proxy` (the user's, never a workspace's).
  if (!flat['tack.network.proxy']) {
    const editor = vscode.workspace.getConfiguration('http').inspect<string>('proxy')?.globalValue;
    if (editor) flat['tack.network.proxy'] = editor;
  }
  return flat;
}

export function readSettings(): TackSettings {
  return settingsFromObject(flatSettings());
}

export function readProfileSettings(): ProfileSettings {
  return profileSettingsFromObject(flatSettings());
}

export function affectsTack(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('tack');
}
