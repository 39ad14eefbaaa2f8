/** Public surface of Tack's core, for the VS Code adapter and the CLI. */
export * from './events';
export type * from './conversation';
export * from './ports';
export * from './config/settings';
export * from './providers/presets';
export * from './providers/registry';
export * from './providers/models';
export { envKeyName } from './providers/errors';
export { streamResponse } from './providers/stream';
export type { ProviderRequest } from './providers/request';
export * from './agent/chat-session';
export * from './prompts';
export type { FetchFn } from './net/timed-fetch';
