/**
 * Markdown that grows while a reply streams in, rendered so that each frame costs only the unstable tail: blocks
 * before the stable cut (see shared/markdown-split.ts) are rendered once and appended, never touched again; the
 * tail's nodes are replaced each update. The DOM is the same as a full render of the text (same elements, same
 * code-block numbering), so a finished reply keeps it.
 *
 * A text that does not extend the one shown (a replaced or edited message) is rendered from scratch. Once the text
 * holds a link reference definition, which may change blocks rendered earlier, every update renders it whole.
 */
import { stableCut } from '../shared/markdown-split';
import { parseMarkdown, renderTokens, setCodes, type RenderEnv } from './markdown';

export class MarkdownStream {
  /** The text the DOM shows. */
  private shown = '';
  /** Length of the prefix of `shown` rendered as stable blocks. */
  private stable = 0;
  /** Raw code of the code blocks in the stable part, in order. */
  private stableCodes: string[] = [];
  /** Nodes rendered from the tail, replaced on each update. */
  private tailNodes: ChildNode[] = [];
  /** False once a reference definition was seen: render whole. */
  private split = true;

  constructor(private readonly target: HTMLElement) {}

  get text(): string {
    return this.shown;
  }

  /** Shows `text` as markdown. */
  update(text: string): void {
    if (text === this.shown) return;
    if (!text.startsWith(this.shown)) this.clear();
    this.shown = text;

    if (this.split) {
      const tail = text.slice(this.stable);
      const env: RenderEnv = { codes: this.stableCodes.slice() };
      const tokens = parseMarkdown(tail, env);
      if (env.references && Object.keys(env.references).length > 0) {
        this.clear();
        this.shown = text;
        this.split = false;
      } else {
        const cut = stableCut(tail, tokens);
        if (cut.offset > 0) {
          // Rendered from the same tokens, so the code numbering continues where the stable part left off.
          const stableEnv: RenderEnv = { codes: this.stableCodes, references: env.references };
          this.target.insertBefore(renderTokens(tokens.slice(0, cut.tokenIndex), stableEnv), this.tailNodes[0] ?? null);
          this.stable += cut.offset;
          env.codes = this.stableCodes.slice();
        }
        this.replaceTail(renderTokens(tokens.slice(cut.tokenIndex), env));
        setCodes(this.target, env.codes);
        return;
      }
    }
    const env: RenderEnv = { codes: [] };
    this.replaceTail(renderTokens(parseMarkdown(text, env), env));
    setCodes(this.target, env.codes);
  }

  /** Forgets everything shown; the next update renders from scratch. */
  clear(): void {
    this.target.replaceChildren();
    this.shown = '';
    this.stable = 0;
    this.stableCodes = [];
    this.tailNodes = [];
    this.split = true;
  }

  private replaceTail(fragment: DocumentFragment): void {
    for (const node of this.tailNodes) node.remove();
    this.tailNodes = Array.from(fragment.childNodes);
    this.target.append(fragment);
  }
}
