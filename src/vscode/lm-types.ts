/**
 * The part of VS Code's Language Model Chat Provider API (`vscode.lm.registerLanguageModelChatProvider`, VS Code
 * 1.104+) that Tack uses, declared here because the project builds against older typings. Everything is read from the
 * `vscode` module at run time and feature-detected: on an editor without the API nothing is registered.
 */
import type * as vscode from 'vscode';

export interface LmChatInformation {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly version: string;
  readonly tooltip?: string;
  readonly detail?: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly capabilities: { readonly imageInput?: boolean; readonly toolCalling?: boolean | number };
}

/** A request message: role 1 user, 2 assistant, 3 system (proposed); content parts are the editor's classes. */
export interface LmRequestMessage {
  readonly role: number;
  readonly content: ReadonlyArray<unknown>;
  readonly name?: string;
}

export interface LmTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema?: object;
}

export interface LmResponseOptions {
  readonly modelOptions?: { readonly [name: string]: unknown };
  readonly tools?: readonly LmTool[];
  readonly toolMode?: number;
}

export interface LmChatProvider {
  readonly onDidChangeLanguageModelChatInformation?: vscode.Event<void>;
  provideLanguageModelChatInformation(options: { readonly silent: boolean }, token: vscode.CancellationToken): Promise<LmChatInformation[]>;
  provideLanguageModelChatResponse(model: LmChatInformation, messages: readonly LmRequestMessage[], options: LmResponseOptions, progress: vscode.Progress<unknown>, token: vscode.CancellationToken): Promise<void>;
  provideTokenCount(model: LmChatInformation, text: string | LmRequestMessage, token: vscode.CancellationToken): Promise<number>;
}

/** The constructors and functions of the API, as found at run time. */
export interface LmApi {
  register(vendor: string, provider: LmChatProvider): vscode.Disposable;
  TextPart: new (value: string) => unknown;
  ToolCallPart: new (callId: string, name: string, input: object) => unknown;
  isText(part: unknown): part is { value: string };
  isToolCall(part: unknown): part is { callId: string; name: string; input: object };
  isToolResult(part: unknown): part is { callId: string; content: ReadonlyArray<unknown> };
}

/** The API when this editor has it; undefined otherwise. */
export function detectLmApi(vs: typeof vscode): LmApi | undefined {
  const anyVs = vs as unknown as Record<string, any>;
  const register = anyVs.lm?.registerLanguageModelChatProvider;
  const { LanguageModelTextPart: TextPart, LanguageModelToolCallPart: ToolCallPart, LanguageModelToolResultPart: ToolResultPart } = anyVs;
  if (typeof register !== 'function' || typeof TextPart !== 'function' || typeof ToolCallPart !== 'function') return undefined;
  return {
    register: (vendor, provider) => register.call(anyVs.lm, vendor, provider),
    TextPart,
    ToolCallPart,
    isText: (p): p is { value: string } => p instanceof TextPart,
    isToolCall: (p): p is { callId: string; name: string; input: object } => p instanceof ToolCallPart,
    isToolResult: (p): p is { callId: string; content: ReadonlyArray<unknown> } => typeof ToolResultPart === 'function' && p instanceof ToolResultPart,
  };
}
