/**
 * Deferred MCP tools: above the profile's `mcp.deferAbove` (default 10) the model is not sent every MCP schema but
 * one `tool_search {query}` tool naming the servers; a search activates the best matches for the rest of the
 * session (the set lives in the session: RunTools is rebuilt per run). Ranking is BM25 over the words of a tool's
 * name (weighted), description and parameter names; a query equal to a tool's name (with or without its server
 * prefix) always ranks first.
 */
import type { ToolDefinition } from '../providers/request';
import type { Tool } from '../tools/types';
import type { McpTool } from './tools';

export const DEFAULT_DEFER_ABOVE = 10;
export const TOOL_SEARCH_NAME = 'tool_search';
export const SEARCH_RESULTS = 5;

/** Words of a name or text: camelCase, snake_case and kebab-case split, lower case. */
export function words(text: string): string[] {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(w => w.length > 1 || /\d/.test(w));
}

/** Crude stemming so "files" finds "file" and "listing" finds "list". */
const stem = (w: string) => w.replace(/(ing|ies|es|s|ed)$/, '') || w;

export interface SearchEntry {
  name: string;
  remoteName: string;
  description: string;
  paramNames: string[];
}

export function entryOf(t: McpTool): SearchEntry {
  const props = (t.parameters.properties && typeof t.parameters.properties === 'object') ? Object.keys(t.parameters.properties as object) : [];
  return { name: t.name, remoteName: t.remoteName, description: t.description, paramNames: props };
}

/** The names of the best `k` matches, best first. */
export function searchTools(query: string, entries: readonly SearchEntry[], k = SEARCH_RESULTS): string[] {
  const q = query.trim().toLowerCase();
  const exact = entries.filter(e => e.name.toLowerCase() === q || e.remoteName.toLowerCase() === q).map(e => e.name);
  const docs = entries.map(e => {
    const tf = new Map<string, number>();
    const add = (ws: string[], weight: number) => { for (const w of ws) tf.set(stem(w), (tf.get(stem(w)) ?? 0) + weight); };
    add(words(e.name), 3);
    add(words(e.description), 1);
    add(e.paramNames.flatMap(words), 1.5);
    let len = 0;
    for (const v of tf.values()) len += v;
    return { name: e.name, tf, len };
  });
  const avg = docs.reduce((s, d) => s + d.len, 0) / Math.max(1, docs.length);
  const terms = [...new Set(words(query).map(stem))];
  const df = new Map(terms.map(t => [t, docs.filter(d => d.tf.has(t)).length]));
  const scored = docs.map(d => {
    let score = 0;
    for (const t of terms) {
      const f = d.tf.get(t) ?? 0;
      if (!f) continue;
      const idf = Math.log(1 + (docs.length - df.get(t)! + 0.5) / (df.get(t)! + 0.5));
      score += idf * (f * 2.2) / (f + 1.2 * (0.25 + 0.75 * d.len / (avg || 1)));
    }
    return { name: d.name, score };
  }).filter(s => s.score > 0).sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const out = [...exact];
  for (const s of scored) if (out.length < k && !out.includes(s.name)) out.push(s.name);
  return out.slice(0, Math.max(k, exact.length));
}

/** The `tool_search` definition: what the model sees instead of every deferred schema. */
export function toolSearchDefinition(servers: readonly string[], count: number): ToolDefinition {
  return {
    name: TOOL_SEARCH_NAME,
    description: `Find tools from MCP servers (${servers.join(', ')}; ${count} tools, not loaded yet). Describe what you need in a few words, or give an exact tool name; the best matches become callable from your next step on.`,
    parameters: { type: 'object', properties: { query: { type: 'string', description: 'What the tool should do, or its name.' } }, required: ['query'], additionalProperties: false },
  };
}

/**
 * The `tool_search` tool. `all` gives the deferred tools at call time (servers may restart); `activated` is the
 * session's set, which the run's definitions read at each step. Read-only: it only changes what is offered.
 */
export function toolSearchTool(all: () => McpTool[], activated: Set<string>): Tool {
  return {
    name: TOOL_SEARCH_NAME,
    parameters: { type: 'object', properties: { query: { type: 'string', minLength: 1 } }, required: ['query'] },
    prompt: '',
    readOnly: true,
    async prepare(args) {
      const query = String(args.query);
      return {
        title: `tool_search "${query}"`,
        async run() {
          const tools = all();
          const hits = searchTools(query, tools.map(entryOf));
          if (!hits.length) return { text: `No MCP tool matches "${query}". Try other words; tools: ${tools.length}.` };
          for (const h of hits) activated.add(h);
          const byName = new Map(tools.map(t => [t.name, t]));
          const lines = hits.map(h => `- ${h}: ${(byName.get(h)?.description ?? '').split('\n')[0].slice(0, 200)}`);
          return { text: `Activated for the rest of the session (call them directly):\n${lines.join('\n')}` };
        },
      };
    },
  };
}
