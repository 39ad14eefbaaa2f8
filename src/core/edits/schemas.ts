/**
 * JSON Schemas of the read and edit tools' arguments. Every word here is sent with every request, so descriptions
 * are terse: the tool descriptions in prompts/tools/ carry the rules.
 */

export const READ_SCHEMA = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    offset: { type: 'integer', description: 'first line (1-based)' },
    limit: { type: 'integer', description: 'max lines' },
  },
  required: ['path'],
} as const;

export const HASHLINE_EDIT_SCHEMA = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    tag: { type: 'string' },
    edits: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          start: { type: 'integer' },
          end: { type: 'integer' },
          lines: { type: 'array', items: { type: 'string' } },
        },
        required: ['start', 'end', 'lines'],
      },
    },
  },
  required: ['path', 'tag', 'edits'],
} as const;

export const SEARCH_REPLACE_SCHEMA = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    old: { type: 'string', description: 'exact text to replace' },
    new: { type: 'string' },
    all: { type: 'boolean', description: 'replace every match' },
  },
  required: ['path', 'old', 'new'],
} as const;

export const WHOLE_SCHEMA = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    content: { type: 'string', description: 'the complete file' },
  },
  required: ['path', 'content'],
} as const;
