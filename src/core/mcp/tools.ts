/**
 * MCP tools as Tack `Tool`s: named `<server>__<tool>`, never read-only (a server's annotations and descriptions are
 * untrusted input and never a reason to run without asking), policy from the profile's `tools` map
 * (`server__tool`, then `server__*`, default `ask`: agent/approval-policy.ts). A result is turned into text (and
 * images); a malformed one, an error, a timeout become a result the model can read, never a throw.
 */
import Ajv from 'ajv';
import type { ImagePart } from '../conversation';
import type { Tool, ToolResult } from '../tools/types';
import type { McpToolInfo } from './client';

/** An MCP tool with what the model is told about it. */
export interface McpTool extends Tool {
  server: string;
  /** The tool's name on its server. */
  remoteName: string;
  /** The server's description (untrusted text), sent to the model as is. */
  description: string;
}

const SAFE = /[^A-Za-z0-9_-]/g;

/** `<server>__<tool>`, with characters providers refuse replaced by `_`, at most 64 characters. */
export function mcpToolName(server: string, tool: string): string {
  return `${server.replace(SAFE, '_')}__${tool.replace(SAFE, '_')}`.slice(0, 64);
}

const ajv = new Ajv({ allErrors: true, strict: false });

/** The server's input schema when ajv can compile it (without `$schema`), else any object: the server checks again. */
export function safeSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = schema;
  const s: Record<string, unknown> = { ...rest, type: 'object' };
  try {
    ajv.compile(s);
    return s;
  } catch {
    return { type: 'object', additionalProperties: true };
  }
}

export type CallFn = (tool: string, args: Record<string, unknown>, signal: AbortSignal) => Promise<unknown>;

const MAX_IMAGE_CHARS = 8 * 1024 * 1024;

/** A `tools/call` result → text (+ images). Anything that is not the expected shape says so. */
export function toToolResult(raw: unknown, label: string): ToolResult {
  if (!raw || typeof raw !== 'object') return { text: `${label} returned a malformed result (not an object).`, isError: true };
  const r = raw as { content?: unknown; structuredContent?: unknown; isError?: unknown; toolResult?: unknown };
  const parts: string[] = [];
  const images: ImagePart[] = [];
  if (Array.isArray(r.content)) {
    for (const c of r.content as Array<Record<string, unknown>>) {
      if (c?.type === 'text' && typeof c.text === 'string') parts.push(c.text);
      else if (c?.type === 'image' && typeof c.data === 'string' && typeof c.mimeType === 'string' && c.data.length < MAX_IMAGE_CHARS) {
        images.push({ mediaType: c.mimeType, data: c.data });
        parts.push(`[image ${c.mimeType}]`);
      } else if (c?.type === 'resource' && c.resource && typeof c.resource === 'object') {
        const res = c.resource as Record<string, unknown>;
        parts.push(typeof res.text === 'string' ? `[resource ${String(res.uri)}]\n${res.text}` : `[resource ${String(res.uri)} (${String(res.mimeType ?? 'binary')})]`);
      } else if (c?.type === 'resource_link') parts.push(`[resource link ${String(c.uri)}${c.name ? ` (${String(c.name)})` : ''}]`);
      else parts.push(`[${String(c?.type ?? 'unknown')} content]`);
    }
  } else if (r.toolResult !== undefined) {
    parts.push(JSON.stringify(r.toolResult));
  } else if (r.structuredContent === undefined) {
    return { text: `${label} returned a malformed result (no content).`, isError: true };
  }
  if (!parts.length && r.structuredContent !== undefined) parts.push(JSON.stringify(r.structuredContent));
  return { text: parts.join('\n') || '(no output)', ...(images.length ? { images } : {}), ...(r.isError === true ? { isError: true } : {}) };
}

export function makeMcpTool(server: string, info: McpToolInfo, call: CallFn): McpTool {
  const name = mcpToolName(server, info.name);
  return {
    name, server, remoteName: info.name, description: info.description,
    parameters: safeSchema(info.inputSchema),
    prompt: '',
    readOnly: false,
    async prepare(args) {
      return {
        title: `${name} (MCP server "${server}")`,
        async run(signal) {
          const label = `MCP server "${server}" (${info.name})`;
          try {
            return toToolResult(await call(info.name, args, signal), label);
          } catch (err) {
            return { text: `${label} failed: ${(err as Error).message}`, isError: true };
          }
        },
      };
    },
  };
}
