import MarkdownIt from 'markdown-it';

/**
 * The agreement's Markdown, parsed once into blocks that both the browser (client/src/components/AgreementDocument.tsx)
 * and the PDF (server/documents/pdf.ts) lay out, so headings, numbered clauses and the parties' block cannot differ
 * between what a party reads on screen and what is sealed.
 *
 * markdown-it's "zero" preset with only the block rules an agreement uses (headings, lists, paragraphs) and no inline
 * rules: emphasis, links, images, entities and raw HTML are not interpreted (`html: false`), so every character of the
 * signed text shows as written, and nothing in it can become markup (the browser renders the blocks as text nodes).
 */
export type AgreementBlock =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; lines: string[] }
  | { kind: 'list'; ordered: boolean; start: number; items: string[][] };

const md = new MarkdownIt('zero', { html: false, linkify: false, typographer: false }).enable(['heading', 'list']);

/** An inline token's text, as lines (soft line breaks kept). */
const linesOf = (content: string): string[] => content.split('\n').map((l) => l.trim()).filter((l) => l !== '');

export function parseAgreement(text: string): AgreementBlock[] {
  const tokens = md.parse(text, {});
  const blocks: AgreementBlock[] = [];
  let list: Extract<AgreementBlock, { kind: 'list' }> | null = null;
  let depth = 0;
  let item: string[] | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    switch (t.type) {
      case 'heading_open': {
        const level = Math.min(3, Number(t.tag.slice(1))) as 1 | 2 | 3;
        blocks.push({ kind: 'heading', level, text: (tokens[i + 1]?.content ?? '').trim() });
        i += 2;
        break;
      }
      case 'ordered_list_open':
      case 'bullet_list_open':
        // A nested list is read as more lines of its parent item.
        if (depth++ === 0) {
          list = { kind: 'list', ordered: t.type === 'ordered_list_open', start: Number(t.attrGet('start') ?? 1), items: [] };
          blocks.push(list);
        }
        break;
      case 'ordered_list_close':
      case 'bullet_list_close':
        if (--depth === 0) list = null;
        break;
      case 'list_item_open':
        if (depth === 1 && list) {
          item = [];
          list.items.push(item);
        }
        break;
      case 'inline':
        if (depth > 0 && item) item.push(...linesOf(t.content));
        else blocks.push({ kind: 'paragraph', lines: linesOf(t.content) });
        break;
      default:
        break;
    }
  }
  return blocks.filter((b) => b.kind !== 'paragraph' || b.lines.length > 0);
}

/** The number printed before item `i` of an ordered list. */
export const listNumber = (list: { start: number }, i: number): string => `${list.start + i}.`;
