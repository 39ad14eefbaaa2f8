/**
 * The verification suite: a fixed, versioned set of probes shipped as data in `prompts/verify/suite.json`.
 * Parsing checks the shape and says what is wrong (a broken install must be loud, never half a suite).
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ToolDefinition } from '../providers/request';

export interface ToolProbe {
  id: string;
  kind: 'tool';
  prompt: string;
  tools: ToolDefinition[];
  /** `call`: calling `tool` is the right answer; `none`: any call is wrong. */
  expect: 'call' | 'none';
  tool?: string;
}

export interface AnswerProbe {
  id: string;
  kind: 'answer';
  prompt: string;
  /** Accepted answers, compared with normalizeAnswer. */
  expected: string[];
}

export type Probe = ToolProbe | AnswerProbe;

export interface ProbeSuite {
  version: string;
  system: string;
  maxOutputTokens: number;
  probes: Probe[];
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function parseTool(t: unknown, where: string): ToolDefinition {
  if (!isObj(t) || !isStr(t.name) || typeof t.description !== 'string' || !isObj(t.parameters)) {
    throw new Error(`${where}: a tool needs a name, a description and a parameters object`);
  }
  return { name: t.name, description: t.description, parameters: t.parameters };
}

function parseProbe(p: unknown, i: number): Probe {
  const where = `probes[${i}]`;
  if (!isObj(p) || !isStr(p.id) || !isStr(p.prompt)) throw new Error(`${where}: needs an id and a prompt`);
  if (p.kind === 'tool') {
    if (!Array.isArray(p.tools) || !p.tools.length) throw new Error(`${where} (${p.id}): a tool probe needs tools`);
    if (p.expect !== 'call' && p.expect !== 'none') throw new Error(`${where} (${p.id}): expect must be "call" or "none"`);
    const tools = p.tools.map((t: unknown, j: number) => parseTool(t, `${where}.tools[${j}]`));
    if (p.expect === 'call' && !tools.some(t => t.name === p.tool)) throw new Error(`${where} (${p.id}): "tool" must name one of its tools`);
    return { id: p.id, kind: 'tool', prompt: p.prompt, tools, expect: p.expect, ...(isStr(p.tool) ? { tool: p.tool } : {}) };
  }
  if (p.kind === 'answer') {
    if (!Array.isArray(p.expected) || !p.expected.length || !p.expected.every(isStr)) throw new Error(`${where} (${p.id}): expected must list the accepted answers`);
    return { id: p.id, kind: 'answer', prompt: p.prompt, expected: p.expected };
  }
  throw new Error(`${where} (${p.id}): kind must be "tool" or "answer"`);
}

/** Throws with the place of the first problem. */
export function parseSuite(value: unknown): ProbeSuite {
  if (!isObj(value) || !isStr(value.version) || typeof value.system !== 'string' || !Array.isArray(value.probes)) {
    throw new Error('the suite needs a version, a system prompt and probes');
  }
  const maxOutputTokens = typeof value.maxOutputTokens === 'number' && value.maxOutputTokens > 0 ? value.maxOutputTokens : 400;
  const probes = value.probes.map(parseProbe);
  const ids = new Set<string>();
  for (const p of probes) {
    if (ids.has(p.id)) throw new Error(`probe id "${p.id}" appears twice`);
    ids.add(p.id);
  }
  return { version: value.version, system: value.system, maxOutputTokens, probes };
}

/** Reads `<promptsDir>/verify/suite.json`. Throws with the file name when it is missing or malformed. */
export async function loadSuite(promptsDir: string): Promise<ProbeSuite> {
  const file = path.join(promptsDir, 'verify', 'suite.json');
  try {
    return parseSuite(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    throw new Error(`The verification suite ${file} cannot be used: ${(err as Error).message}`);
  }
}
