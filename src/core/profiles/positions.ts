/**
 * Maps JSON paths and offsets of a JSONC text to 1-based line and column, so every diagnostic points at the
 * offending key or value the way an editor shows it.
 */
import { findNodeAtLocation, type Node, type Segment } from 'jsonc-parser';

export interface Position {
  line: number;
  column: number;
}

export interface Range {
  offset: number;
  length: number;
}

/** Offsets → 1-based line/column. Lines end at \n, \r\n or \r; columns count UTF-16 code units, as editors do. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        this.starts.push(i + 1);
      }
    }
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

/**
 * The range of the value at `path`, or of its key when `target` is 'key' (unknown properties, bad names).
 * Falls back to the nearest enclosing node that exists, so a diagnostic always lands somewhere sensible.
 */
export function rangeAt(root: Node | undefined, path: readonly Segment[], target: 'key' | 'value' = 'value'): Range {
  if (!root) return { offset: 0, length: 0 };
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n) as Segment[]);
    if (!node) continue;
    const wantKey = n === path.length ? target === 'key' : false;
    const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    if ((wantKey || n < path.length) && key) return { offset: key.offset, length: key.length };
    return { offset: node.offset, length: node.length };
  }
  return { offset: root.offset, length: 0 };
}

/** Object keys that occur twice in one object (JSON allows it; the later one silently wins). */
export function duplicateKeys(root: Node | undefined): Array<{ key: string; range: Range }> {
  const out: Array<{ key: string; range: Range }> = [];
  const walk = (node: Node | undefined): void => {
    if (!node) return;
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const prop of node.children ?? []) {
        const k = prop.children?.[0];
        if (k && typeof k.value === 'string') {
          if (seen.has(k.value)) out.push({ key: k.value, range: { offset: k.offset, length: k.length } });
          seen.add(k.value);
        }
        walk(prop.children?.[1]);
      }
    } else if (node.type === 'array') {
      for (const child of node.children ?? []) walk(child);
    }
  };
  walk(root);
  return out;
}
