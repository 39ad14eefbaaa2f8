/**
 * The bundled model table (catalog-data.json, with its as-of date): context window, max output, prices and
 * capabilities of well-known hosted models. A lookup returns only what the table states; anything else stays
 * undefined. Live lists (models/live-lists.ts) take precedence and are filled in from here.
 */
import data from './catalog-data.json';
import type { Capabilities, ModelInfo, Price } from './types';

interface Entry {
  contextWindow?: number;
  maxOutput?: number;
  price?: Price;
  capabilities?: Capabilities;
}

const TABLE = data.providers as Record<string, Record<string, Entry>>;
const SAME_AS = data.sameAs as Record<string, string>;
const ALIASES = data.aliases as Record<string, Record<string, string>>;

export const CATALOG_AS_OF: string = data.asOf;

/** The table a provider's prices come from (Claude on Bedrock / Vertex at Anthropic's list prices, Azure at OpenAI's). */
function tableId(providerId: string): string {
  return SAME_AS[providerId] ?? providerId;
}

/**
 * Candidate names for a served model id: as given; without a `models/` prefix (Gemini), a Bedrock/Vertex wrapper
 * (`us.anthropic.…-v1:0`, `…@20250929`), a date suffix (`-20250514`, `-2024-08-06`) or `-latest`.
 */
function candidates(modelId: string): string[] {
  const out = [modelId];
  let id = modelId.replace(/^models\//, '');
  id = id.replace(/^([a-z]{2,4}\.)?anthropic\./, '').replace(/-v\d+(:\d+)?$/, '').replace(/@.*$/, '');
  out.push(id);
  const undated = id.replace(/-\d{8}$/, '').replace(/-\d{4}-\d{2}-\d{2}$/, '');
  out.push(undated, undated.replace(/-latest$/, ''));
  return [...new Set(out)];
}

function info(providerId: string, id: string, e: Entry): ModelInfo {
  return {
    providerId,
    id,
    ...(e.contextWindow ? { contextWindow: e.contextWindow } : {}),
    ...(e.maxOutput ? { maxOutput: e.maxOutput } : {}),
    ...(e.price ? { price: { ...e.price } } : {}),
    ...(e.capabilities ? { capabilities: { ...e.capabilities } } : {}),
    source: 'catalog',
    catalogAsOf: CATALOG_AS_OF,
  };
}

/** What the bundled table says about `modelId` served by `providerId`; undefined when it says nothing. */
export function lookupModel(providerId: string, modelId: string): ModelInfo | undefined {
  const table = TABLE[tableId(providerId)];
  if (!table) return undefined;
  const aliases = ALIASES[tableId(providerId)] ?? {};
  for (const c of candidates(modelId)) {
    const key = Object.hasOwn(table, c) ? c : aliases[c];
    if (key && Object.hasOwn(table, key)) return info(providerId, modelId, table[key]);
  }
  return undefined;
}

/** The price lookup the ledger uses for providers that report no cost. */
export function catalogPrice(providerId: string, modelId: string): Price | undefined {
  return lookupModel(providerId, modelId)?.price;
}

/** Every model the table lists for a provider (shown for providers that need a key before they can list). */
export function catalogModels(providerId: string): ModelInfo[] {
  const table = TABLE[tableId(providerId)] ?? {};
  return Object.entries(table).map(([id, e]) => info(providerId, id, e));
}

/** A live entry completed with what the table knows; live values win, the result says where numbers came from. */
export function completeFromCatalog(live: ModelInfo): ModelInfo {
  const known = lookupModel(live.providerId, live.id);
  if (!known) return live;
  const merged: ModelInfo = {
    ...live,
    contextWindow: live.contextWindow ?? known.contextWindow,
    maxOutput: live.maxOutput ?? known.maxOutput,
    price: live.price ?? known.price,
    capabilities: { ...known.capabilities, ...live.capabilities },
  };
  for (const k of ['contextWindow', 'maxOutput', 'price'] as const) if (merged[k] === undefined) delete merged[k];
  const usedCatalog = live.contextWindow === undefined || live.maxOutput === undefined || live.price === undefined;
  if (usedCatalog) merged.catalogAsOf = CATALOG_AS_OF;
  if (live.source === 'unknown') merged.source = 'catalog';
  return merged;
}
