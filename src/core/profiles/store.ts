/**
 * The host's profile state: feed it the workspace file's text (on open, on every change) and the user's
 * `tack.profiles` value; it keeps the last valid version of each layer, so an invalid edit never takes profiles
 * away — Tack goes on with the last valid ones (or the built-ins) and reports why. Never throws.
 */
import { parseProfilesText, parseProfilesValue, type LayerOptions, type ParsedLayer } from './parse';
import { builtinLayer, resolveProfiles, type ResolveContext, type ResolvedProfiles } from './resolve';
import type { ProfileDiagnostic, ResolvedProfile } from './types';

export const WORKSPACE_PROFILES_PATH = '.tack/profiles.jsonc';
/** A profiles file larger than this is not read (a repository's file is untrusted input). */
export const PROFILES_MAX_BYTES = 1024 * 1024;
export const USER_PROFILES_LABEL = 'settings (tack.profiles)';

/** User-level profiles: the parsed setting value (VS Code) or the settings file's text (CLI, with positions). */
export type UserProfilesInput =
  | { value: unknown; file?: string }
  | { text: string; file: string }
  | undefined;

export interface ProfileState {
  resolved: ResolvedProfiles;
  /** False when the current workspace file (or user setting) has errors and an older version is in use. */
  valid: boolean;
  /** Diagnostics of the current texts (not of the last valid versions in use). */
  diagnostics: ProfileDiagnostic[];
  /** A sentence for the panel when invalid, e.g. "…has 2 errors; using the last valid profiles." */
  notice?: string;
}

/** Parses user-level profiles from either form. */
export function parseUserProfiles(input: UserProfilesInput): ParsedLayer | undefined {
  if (!input) return undefined;
  if ('text' in input) {
    return parseProfilesText(input.text, { source: 'user', file: input.file, within: [['tack.profiles'], ['tack', 'profiles']] });
  }
  return parseProfilesValue(input.value, { source: 'user', file: input.file ?? USER_PROFILES_LABEL });
}

export class ProfileStore {
  private readonly builtin = builtinLayer();
  private workspace?: ParsedLayer;
  private lastGoodWorkspace?: ParsedLayer;
  private user?: ParsedLayer;
  private lastGoodUser?: ParsedLayer;
  private state: ProfileState;

  constructor(private ctx: ResolveContext, private readonly workspaceFile: string = WORKSPACE_PROFILES_PATH) {
    this.state = this.compute();
  }

  get current(): ProfileState {
    return this.state;
  }

  /** The workspace file's new text; undefined when the file does not exist (then no workspace layer). */
  update(text: string | undefined): ProfileState {
    if (text === undefined) {
      this.workspace = undefined;
      this.lastGoodWorkspace = undefined;
    } else {
      this.workspace = parseProfilesText(text, { source: 'workspace', file: this.workspaceFile } satisfies LayerOptions);
    }
    return this.refresh();
  }

  updateUser(input: UserProfilesInput): ProfileState {
    this.user = parseUserProfiles(input);
    if (!this.user) this.lastGoodUser = undefined;
    return this.refresh();
  }

  /** Trust granted or revoked, or the user's providers changed. */
  setContext(ctx: ResolveContext): ProfileState {
    this.ctx = ctx;
    return this.refresh();
  }

  /** The named profile, or the default one when the name is missing or unknown (e.g. a remembered choice gone). */
  profile(name?: string): ResolvedProfile {
    const r = this.state.resolved;
    return (name !== undefined ? r.profiles[name] : undefined) ?? r.profiles[r.defaultProfile];
  }

  private refresh(): ProfileState {
    this.state = this.compute();
    return this.state;
  }

  /**
   * A layer counts as valid when it parses, matches the schema, and resolving it on top of the layers below adds no
   * error of its own (unknown `extends`, cycles, a bad `default`, a redefined provider id…).
   */
  private compute(): ProfileState {
    const errorsIn = (r: ResolvedProfiles, l: ParsedLayer) => r.diagnostics.filter(d => d.source === l.source && d.file === l.file && d.severity === 'error');
    const notices: string[] = [];

    let user = this.lastGoodUser;
    let userDiagnostics: ProfileDiagnostic[] = [];
    if (this.user) {
      const trial = resolveProfiles([this.builtin, this.user], this.ctx);
      userDiagnostics = trial.diagnostics.filter(d => d.source === 'user');
      if (this.user.doc && errorsIn(trial, this.user).length === 0) {
        user = this.lastGoodUser = this.user;
      } else {
        notices.push(`${this.user.file} has ${count(errorsIn(trial, this.user).length)}; ${user ? 'using its last valid version' : 'ignoring it'}.`);
      }
    }
    const below = user ? [this.builtin, user] : [this.builtin];

    let workspace = this.lastGoodWorkspace;
    let workspaceDiagnostics: ProfileDiagnostic[] = [];
    if (this.workspace) {
      const trial = resolveProfiles([...below, this.workspace], this.ctx);
      workspaceDiagnostics = trial.diagnostics.filter(d => d.source === 'workspace');
      if (this.workspace.doc && errorsIn(trial, this.workspace).length === 0) {
        workspace = this.lastGoodWorkspace = this.workspace;
      } else {
        notices.push(`${this.workspace.file} has ${count(errorsIn(trial, this.workspace).length)}; ${workspace ? 'using the last valid profiles' : 'using the built-in and user profiles'}.`);
      }
    }
    const resolved = resolveProfiles(workspace ? [...below, workspace] : below, this.ctx);
    return {
      resolved,
      valid: notices.length === 0,
      diagnostics: [...userDiagnostics, ...workspaceDiagnostics],
      ...(notices.length ? { notice: notices.join(' ') } : {}),
    };
  }
}

function count(n: number): string {
  return n === 1 ? '1 error' : `${n} errors`;
}

/** `file:line:col: severity: message`, the form compilers print (and the CLI uses). */
export function formatDiagnostic(d: ProfileDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}
