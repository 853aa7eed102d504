import { codeBlockLanguage } from '../../../extension/src/capture/code-language.ts';
import type { SiteAdapter } from '../../../extension/src/sites/define-site-adapter.ts';

/**
 * Realistic ways a chat site's markup drifts between releases, each an edit of a parsed fixture page
 * (issue 15): hashed class names renamed, an extra wrapper `div` at one level of every turn, every
 * attribute but the adapter's anchors removed, button and heading labels in another language, and code
 * blocks whose language is shown another way. Each drift keeps what a person reads the same, so the
 * capture must stay the same (or the health check must say the page is broken).
 */
export interface Drift {
  /** Column of the table: `classes`, `wrappers`, `attributes`, `labels-de`, …, `code-header`. */
  kind: string;
  /** This variant within its kind (`level 2`, `footer`). */
  name: string;
  /** Edits `doc` in place; false when the page has nothing this drift applies to. */
  apply(doc: Document, adapter: SiteAdapter): boolean;
}

const HASHED = /^_?(?=[0-9a-f]*\d)[0-9a-f]{5,8}$/;
const MODULE_SUFFIX = /^([A-Za-z][\w-]*?__)([A-Za-z0-9_-]{4,6})$/;

/** Another hash of the same shape for `hash` (deterministic, so the same class is renamed the same). */
function rehash(hash: string): string {
  return [...hash]
    .map((char) => (/[0-9a-f]/.test(char) ? ((parseInt(char, 16) + 7) % 16).toString(16) : char))
    .join('');
}

const renameClasses: Drift = {
  kind: 'classes',
  name: 'hashed class names renamed',
  apply(doc) {
    let changed = false;
    for (const element of Array.from(doc.querySelectorAll('[class]'))) {
      const renamed = Array.from(element.classList).map((name) => {
        if (HASHED.test(name)) return name.replace(/[0-9a-f]+$/, rehash);
        const module = name.match(MODULE_SUFFIX);
        if (module) return `${module[1]}${[...(module[2] ?? '')].reverse().join('')}x`;
        return name;
      });
      if (renamed.join(' ') !== Array.from(element.classList).join(' ')) {
        element.setAttribute('class', renamed.join(' '));
        changed = true;
      }
    }
    return changed;
  },
};

const CONTAINERS = /^(?:div|section|article|main|span)$|-/;

/**
 * A `div` inserted at `level` of every turn: level 0 around the turn element, level n around the
 * children of the n-th element on the path from the turn down to its content (the turn's own
 * structure, not the markdown inside the content).
 */
function wrapperAt(level: number): Drift {
  return {
    kind: 'wrappers',
    name: `level ${level}`,
    apply(doc, adapter) {
      const targets: Element[] = [];
      for (const turn of adapter.turns(doc)) {
        if (turn.role === null) continue;
        if (level === 0) {
          targets.push(turn.element);
          continue;
        }
        const content = adapter.content(turn);
        if (!content) continue;
        const path: Element[] = [];
        for (let node: Element | null = content; node && node !== turn.element; node = node.parentElement) {
          path.unshift(node);
        }
        path.unshift(turn.element);
        const at = path[level - 1];
        if (at && CONTAINERS.test(at.localName)) targets.push(at);
      }
      if (targets.length === 0) return false;
      for (const target of targets) {
        const wrapper = doc.createElement('div');
        if (level === 0) {
          target.replaceWith(wrapper);
          wrapper.append(target);
        } else {
          wrapper.append(...Array.from(target.childNodes));
          target.append(wrapper);
        }
      }
      return true;
    },
  };
}

/** What the page shows or hides, never anchors: kept. */
const PRESENTATION = new Set([
  'class',
  'href',
  'src',
  'alt',
  'start',
  'colspan',
  'rowspan',
  'style',
  'hidden',
  'aria-hidden',
  'datetime',
  'open',
]);

const removeAttributes: Drift = {
  kind: 'attributes',
  name: 'all but the anchors removed',
  apply(doc, adapter) {
    let changed = false;
    for (const element of Array.from(doc.body.querySelectorAll('*'))) {
      for (const name of element.getAttributeNames()) {
        if (PRESENTATION.has(name) || adapter.anchors.includes(name)) continue;
        element.removeAttribute(name);
        changed = true;
      }
    }
    return changed;
  },
};

/** The labels chat sites put on buttons and chrome headings, in three other languages. */
const WORDS: Record<string, [string, string, string]> = {
  copy: ['Kopieren', 'コピー', '복사'],
  'copy code': ['Code kopieren', 'コードをコピー', '코드 복사'],
  'copy response': ['Antwort kopieren', '回答をコピー', '응답 복사'],
  'copy message': ['Nachricht kopieren', 'メッセージをコピー', '메시지 복사'],
  'copy to clipboard': ['In die Zwischenablage kopieren', 'クリップボードにコピー', '클립보드에 복사'],
  retry: ['Wiederholen', '再試行', '다시 시도'],
  regenerate: ['Neu generieren', '再生成', '다시 생성'],
  edit: ['Bearbeiten', '編集', '편집'],
  'edit message': ['Nachricht bearbeiten', 'メッセージを編集', '메시지 편집'],
  share: ['Teilen', '共有', '공유'],
  'good response': ['Gute Antwort', '良い回答', '좋은 응답'],
  'bad response': ['Schlechte Antwort', '悪い回答', '나쁜 응답'],
  'previous response': ['Vorherige Antwort', '前の回答', '이전 응답'],
  'next response': ['Nächste Antwort', '次の回答', '다음 응답'],
  'previous version': ['Vorherige Version', '前のバージョン', '이전 버전'],
  'next version': ['Nächste Version', '次のバージョン', '다음 버전'],
  'previous message': ['Vorherige Nachricht', '前のメッセージ', '이전 메시지'],
  'next message': ['Nächste Nachricht', '次のメッセージ', '다음 메시지'],
  'previous draft': ['Vorheriger Entwurf', '前の下書き', '이전 초안'],
  'stop generating': ['Generierung stoppen', '生成を停止', '생성 중지'],
  'read aloud': ['Vorlesen', '読み上げ', '소리 내어 읽기'],
  'more actions': ['Weitere Aktionen', 'その他の操作', '추가 작업'],
  'response actions': ['Antwortaktionen', '回答のアクション', '응답 작업'],
  'message actions': ['Nachrichtenaktionen', 'メッセージのアクション', '메시지 작업'],
  download: ['Herunterladen', 'ダウンロード', '다운로드'],
  like: ['Gefällt mir', 'いいね', '좋아요'],
  dislike: ['Gefällt mir nicht', 'よくないね', '싫어요'],
  'you said:': ['Du hast gesagt:', 'あなたの発言:', '나의 말:'],
  'chatgpt said:': ['ChatGPT hat gesagt:', 'ChatGPT の発言:', 'ChatGPT의 말:'],
  'you said': ['Du hast gesagt', 'あなたの発言', '나의 말'],
  'copilot said': ['Copilot hat gesagt', 'Copilot の発言', 'Copilot의 말'],
  'thought process': ['Denkprozess', '思考プロセス', '사고 과정'],
  'show thinking': ['Gedanken anzeigen', '思考を表示', '생각 표시'],
  thoughts: ['Gedanken', '思考', '생각'],
};

/** Words inside longer labels (`Model: Claude Opus 4.6`, `Copy message`): names and numbers stay. */
const LABEL_WORDS: Record<string, [string, string, string]> = {
  model: ['Modell', 'モデル', '모델'],
  message: ['Nachricht', 'メッセージ', '메시지'],
  response: ['Antwort', '回答', '응답'],
  copy: ['Kopieren', 'コピー', '복사'],
  edit: ['Bearbeiten', '編集', '편집'],
  send: ['Senden', '送信', '보내기'],
  search: ['Suchen', '検索', '검색'],
  stop: ['Stopp', '停止', '중지'],
  chat: ['Chat', 'チャット', '채팅'],
  new: ['Neu', '新規', '새'],
  select: ['Auswählen', '選択', '선택'],
  open: ['Öffnen', '開く', '열기'],
  options: ['Optionen', 'オプション', '옵션'],
  query: ['Anfrage', 'クエリ', '질문'],
};

const LANGUAGES = ['de', 'ja', 'ko'] as const;

/**
 * `text` as a localized page shows it: a known label in full, else its known words (what is not a
 * word of the interface, such as a model's name or a count, stays as it is).
 */
function translate(text: string, language: number): string {
  const key = text.trim().toLowerCase();
  const known = WORDS[key]?.[language];
  if (known) return known;
  if (/^thought for /i.test(text.trim())) return [`Nachgedacht`, `思考時間`, `생각함`][language] ?? text;
  return text.replace(/[A-Za-z]+/g, (word) => LABEL_WORDS[word.toLowerCase()]?.[language] ?? word);
}

/** Button texts, `aria-label` / `title` / `placeholder` values and chrome headings in `LANGUAGES[index]`. */
function labelsIn(index: number): Drift {
  const tag = LANGUAGES[index] ?? 'xx';
  return {
    kind: `labels-${tag}`,
    name: `labels in ${tag}`,
    apply(doc) {
      let changed = false;
      for (const element of Array.from(doc.body.querySelectorAll('*'))) {
        for (const name of ['aria-label', 'title', 'placeholder']) {
          const value = element.getAttribute(name);
          if (!value?.trim()) continue;
          const translated = translate(value, index);
          element.setAttribute(name, translated);
          changed ||= translated !== value;
        }
        const chromeHeading =
          /^h[1-6]$/.test(element.localName) &&
          (/\bsr-only\b/.test(element.getAttribute('class') ?? '') ||
            WORDS[element.textContent?.trim().toLowerCase() ?? '']);
        if (element.matches('button, [role="button"]') || chromeHeading) {
          for (const text of textNodes(element)) {
            const value = text.textContent ?? '';
            if (!value.trim()) continue;
            const translated = translate(value, index);
            if (translated === value) continue;
            text.textContent = translated;
            changed = true;
          }
        }
      }
      return changed;
    },
  };
}

function textNodes(element: Element): Node[] {
  const found: Node[] = [];
  for (const child of Array.from(element.childNodes)) {
    if (child.nodeType === 3) found.push(child);
    else if (child.nodeType === 1 && (child as Element).localName !== 'time')
      found.push(...textNodes(child as Element));
  }
  return found;
}

type HeaderShape = 'class' | 'data-attribute' | 'header-before' | 'header-inside' | 'footer';
const SHAPES: HeaderShape[] = ['class', 'data-attribute', 'header-before', 'header-inside', 'footer'];

/**
 * Every code block of the replies shows its language in `shape` instead of the way the site shows it:
 * its original label, classes and attributes are taken away first.
 */
function codeHeader(shape: HeaderShape): Drift {
  return {
    kind: 'code-header',
    name: shape,
    apply(doc, adapter) {
      let changed = false;
      for (const turn of adapter.turns(doc)) {
        const content = turn.role === 'assistant' ? adapter.content(turn) : null;
        for (const pre of Array.from(content?.querySelectorAll('pre') ?? [])) {
          const { language, label } = codeBlockLanguage(pre, adapter.codeLanguage?.bind(adapter));
          if (!language) continue;
          forgetLanguage(pre, language, label);
          const code = pre.querySelector('code');
          if (shape === 'class') (code ?? pre).classList.add(`language-${language}`);
          else if (shape === 'data-attribute') pre.setAttribute('data-language', language);
          else {
            const header = doc.createElement('div');
            const name = doc.createElement('span');
            name.textContent = language;
            const copy = doc.createElement('button');
            copy.textContent = 'Copy code';
            header.append(name, copy);
            if (shape === 'header-before') pre.before(header);
            else if (shape === 'footer') pre.after(header);
            else if (code) pre.insertBefore(header, pre.firstChild);
            else continue;
          }
          changed = true;
        }
      }
      return changed;
    },
  };
}

/** Takes the language off a code block: its classes, data attributes and label (the label element, or the text). */
function forgetLanguage(pre: Element, language: string, label: Element | null): void {
  let block: Element = pre;
  for (let node = pre.parentElement, depth = 0; node && depth < 4; node = node.parentElement, depth++) {
    if (node.querySelectorAll('pre').length !== 1) break;
    block = node;
  }
  for (const element of [pre, ...Array.from(block.querySelectorAll('*')), block]) {
    const classes = Array.from(element.classList).filter((name) => !/^(?:language|lang)-/.test(name));
    if (classes.length !== element.classList.length) element.setAttribute('class', classes.join(' '));
    for (const name of element.getAttributeNames())
      if (/^data-(?:code-)?lang/.test(name)) element.removeAttribute(name);
  }
  const code = pre.querySelector('code');
  const named =
    label ??
    Array.from(block.querySelectorAll('*')).find(
      (element) =>
        element.childElementCount === 0 &&
        !(code ?? pre).contains(element) &&
        element !== code &&
        element.textContent?.trim().toLowerCase() === language,
    ) ??
    null;
  named?.remove();
}

/** Every drift the perturbation test runs, in table order. */
export const DRIFTS: Drift[] = [
  renameClasses,
  ...[0, 1, 2, 3, 4, 5, 6, 7].map(wrapperAt),
  removeAttributes,
  ...LANGUAGES.map((_, index) => labelsIn(index)),
  ...SHAPES.map(codeHeader),
];
