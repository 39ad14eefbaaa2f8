/**
 * Typed reader of Tack's settings. Only user-level values are read (never workspace or folder values), so a
 * repository's `.vscode/settings.json` cannot redirect a provider or change Tack's behaviour; the settings are
 * also `application`-scoped in package.json for the same reason.
 */
import * as vscode from 'vscode';
import { settingsFromObject, type TackSettings } from '../core/index';

const KEYS = ['model', 'providers', 'network.connectTimeoutSeconds', 'network.idleTimeoutSeconds'] as const;

export function readSettings(): TackSettings {
  const config = vscode.workspace.getConfiguration('tack');
  const flat: Record<string, unknown> = {};
  for (const key of KEYS) {
    const i = config.inspect(key);
    const value = i?.globalValue ?? i?.defaultValue;
    if (value !== undefined) flat[`tack.${key}`] = value;
  }
  return settingsFromObject(flat);
}

export function affectsTack(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('tack');
}
