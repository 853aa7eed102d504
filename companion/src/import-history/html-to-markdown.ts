import { parseDocument } from 'htmlparser2';
import { fence } from './records.ts';

type Node = ReturnType<typeof parseDocument>['children'][number];
interface Tag {
  type: string;
  name: string;
  attribs: Record<string, string>;
  children: Node[];
}

const BLOCKS = new Set([
  'p',
  'div',
  'section',
  'article',
  'header',
  'footer',
  'figure',
  'figcaption',
  'details',
  'summary',
]);
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'button', 'svg', 'iframe', 'head']);

const isTag = (node: Node): node is Node & Tag => 'name' in node && 'children' in node;
const isText = (node: Node): node is Node & { data: string } => node.type === 'text';

/** The text of a subtree, as written (for code). */
function rawText(node: Node): string {
  if (isText(node)) return node.data;
  if (isTag(node)) return node.children.map(rawText).join(node.name === 'br' ? '\n' : '');
  return '';
}

/** Inline content: collapsed whitespace, emphasis, code and links. */
function inline(nodes: readonly Node[]): string {
  let out = '';
  for (const node of nodes) {
    if (isText(node)) out += node.data.replace(/\s+/g, ' ');
    else if (!isTag(node) || SKIPPED.has(node.name)) continue;
    else if (node.name === 'br') out += '\n';
    else if (node.name === 'strong' || node.name === 'b') out += wrap('**', inline(node.children));
    else if (node.name === 'em' || node.name === 'i') out += wrap('*', inline(node.children));
    else if (node.name === 'code') out += `\`${rawText(node)}\``;
    else if (node.name === 'a') {
      const text = inline(node.children).trim();
      const href = node.attribs.href ?? '';
      out += /^https?:/i.test(href) ? `[${text || href}](${href})` : text;
    } else if (node.name === 'img') out += `[image: ${node.attribs.alt || node.attribs.src || 'image'}]`;
    else out += inline(node.children);
  }
  return out;
}

function wrap(mark: string, text: string): string {
  const trimmed = text.trim();
  return trimmed === '' ? text : `${mark}${trimmed}${mark}`;
}

function table(node: Tag): string {
  const rows: string[][] = [];
  const collect = (parent: Tag) => {
    for (const child of parent.children) {
      if (!isTag(child)) continue;
      if (child.name === 'tr') {
        rows.push(child.children.filter(isTag).map((cell) => inline(cell.children).trim().replace(/\|/g, '\\|')));
      } else collect(child);
    }
  };
  collect(node);
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map((row) => row.length));
  const line = (row: string[]) => `| ${Array.from({ length: width }, (_, i) => row[i] ?? '').join(' | ')} |`;
  return [line(rows[0] as string[]), `|${' --- |'.repeat(width)}`, ...rows.slice(1).map(line)].join('\n');
}

function list(node: Tag, depth: number): string {
  const ordered = node.name === 'ol';
  let number = Number(node.attribs.start ?? 1) || 1;
  const items: string[] = [];
  for (const child of node.children) {
    if (!isTag(child) || child.name !== 'li') continue;
    const marker = ordered ? `${number++}.` : '-';
    const body = blocks(child.children, depth + 1).replace(/\n(?=.)/g, `\n${' '.repeat(marker.length + 1)}`);
    items.push(`${marker} ${body}`);
  }
  return items.join('\n');
}

/** Block content: paragraphs, headings, lists, tables, code blocks, quotes. */
function blocks(nodes: readonly Node[], depth = 0): string {
  const out: string[] = [];
  let run: Node[] = [];
  const flush = () => {
    const text = inline(run).trim();
    if (text) out.push(text);
    run = [];
  };
  for (const node of nodes) {
    if (!isTag(node) || !isBlock(node.name)) {
      run.push(node);
      continue;
    }
    flush();
    const name = node.name;
    if (/^h[1-6]$/.test(name)) out.push(`${'#'.repeat(Number(name[1]))} ${inline(node.children).trim()}`);
    else if (name === 'pre') {
      const code = node.children.find((child): child is Node & Tag => isTag(child) && child.name === 'code');
      const language = /language-([\w#+.-]+)/.exec(code?.attribs.class ?? '')?.[1] ?? '';
      out.push(fence(rawText(code ?? node), language));
    } else if (name === 'ul' || name === 'ol') out.push(list(node, depth));
    else if (name === 'table') out.push(table(node));
    else if (name === 'blockquote') out.push(blocks(node.children, depth).replace(/^/gm, '> '));
    else if (name === 'hr') out.push('---');
    else out.push(blocks(node.children, depth));
  }
  flush();
  return out.filter((block) => block.trim() !== '').join('\n\n');
}

function isBlock(name: string): boolean {
  return BLOCKS.has(name) || /^h[1-6]$/.test(name) || ['pre', 'ul', 'ol', 'table', 'blockquote', 'hr'].includes(name);
}

/** Markdown from the HTML of an exported answer (Gemini's `safeHtmlItem`). Reads it as data only. */
export function htmlToMarkdown(html: string): string {
  const document = parseDocument(html, { decodeEntities: true });
  return blocks(document.children).trim();
}
