/**
 * The `skill {name}` tool: the body of the skill's SKILL.md and a list of its other files, which `read` can then
 * open (workspace skills are inside the workspace; home skills' folders are allowed for reading through
 * ToolContext.allowOutside, see agent/harness-tools.ts). Read-only. Skills of an untrusted folder are not loaded.
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { readBoundedFile } from '../files/bounded-read';
import type { Tool } from '../tools/types';
import { SKILL_MAX_BYTES, splitFrontMatter, type Skill } from './skills';

const MAX_FILES = 200;

async function listFiles(dir: string, rel = '', out: string[] = []): Promise<string[]> {
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (out.length >= MAX_FILES) break;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) await listFiles(dir, r, out);
    else if (e.isFile() && r !== 'SKILL.md') out.push(r);
  }
  return out;
}

export function skillTool(skills: readonly Skill[], root: string): Tool {
  const byName = new Map(skills.map(s => [s.name, s]));
  return {
    name: 'skill',
    parameters: { type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'], additionalProperties: false },
    prompt: 'skill',
    readOnly: true,
    async prepare(args) {
      const s = byName.get(String(args.name));
      if (!s) return { error: `Unknown skill "${String(args.name)}". Skills: ${[...byName.keys()].join(', ') || 'none'}.` };
      if (!s.loadable) return { error: `The skill "${s.name}" comes from this folder, which is not trusted; it is listed but not loaded.` };
      return {
        title: `skill ${s.name}`,
        async run() {
          const r = await readBoundedFile(s.file, SKILL_MAX_BYTES);
          if (!('text' in r)) return { text: `The skill "${s.name}" could not be read: ${'error' in r ? r.error : 'it no longer exists'}.`, isError: true };
          const body = splitFrontMatter(r.text)?.body ?? r.text;
          let files: string[] = [];
          try {
            files = await listFiles(s.dir);
          } catch (err) {
            files = [`(its files could not be listed: ${(err as Error).message})`];
          }
          const rel = path.relative(root, s.dir);
          const base = s.source === 'workspace' && rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : s.dir;
          const list = files.length ? `\n\nFiles of this skill (open them with read):\n${files.map(f => `- ${base}/${f}`).join('\n')}` : '';
          return { text: `# Skill: ${s.name}\n(folder: ${base})\n\n${body.trim()}${list}` };
        },
      };
    },
  };
}
