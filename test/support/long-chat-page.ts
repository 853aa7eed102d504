/**
 * A long ChatGPT-like conversation page (the ChatGPT fixtures' markup) that really lays out: visible
 * turns with paragraphs, lists, code blocks and tables under a stylesheet, and a last response still
 * streaming. The page streams with its own script (`window.streamAnswer(n)`: one DOM mutation per
 * task, as a chat site's renderer does) and finishes like the site (`window.finishAnswer()`). Used by
 * bench/extension.ts and by the e2e test of the extension's proportional work.
 */

export const LONG_CHAT_URL = 'https://chatgpt.com/c/6740f2a1-0000-8000-8000-00000000b0b0';

export function userTurn(n: number): string {
  return `<div data-turn-id-container="u-${n}" data-is-intersecting="true"><section data-testid="conversation-turn-${n}" data-turn="user" data-turn-id="u-${n}"><h4 class="sr-only">You said:</h4><div class="flex max-w-full flex-col grow"><div data-message-author-role="user" data-message-id="u-${n}"><div class="user-message-bubble-color"><div class="whitespace-pre-wrap">Question ${n}: how do I configure the router so that the guest network is isolated from the rest of the house?</div></div></div></div><div class="z-0 flex justify-end"><div role="group" aria-label="Your message actions"><button data-testid="copy-turn-action-button" aria-label="Copy message">Copy</button></div></div></section></div>`;
}

export function actionBar(): string {
  return '<div role="group" aria-label="Response actions"><button data-testid="copy-turn-action-button" aria-label="Copy response">Copy</button><button data-testid="good-response-turn-action-button" aria-label="Good response">Good</button><button aria-label="More actions">More</button></div>';
}

export function assistantTurn(n: number, finished: boolean, body: string): string {
  return `<div data-turn-id-container="t-${n}" data-is-intersecting="true"><section data-testid="conversation-turn-${n}" data-turn="assistant" data-turn-id="t-${n}"><h4 class="sr-only">ChatGPT said:</h4><div class="flex max-w-full flex-col grow"><div data-message-author-role="assistant" data-message-id="a-${n}" data-message-model-slug="gpt-5-3"><div class="markdown prose${finished ? '' : ' result-streaming'}">${body}</div></div></div><div class="z-0 flex min-h-[46px] justify-start">${finished ? actionBar() : ''}</div></section></div>`;
}

/** A finished answer: paragraphs, a list, a code block and a table, different in each turn. */
export function answer(n: number): string {
  const rows = Array.from(
    { length: 4 },
    (_, row) => `<tr><td>guest-${n}-${row}</td><td>${10 + row}</td><td>${row % 2 ? 'isolated' : 'shared'}</td></tr>`,
  ).join('');
  return `<p>Answer ${n}. Open the admin page and enable <strong>AP isolation</strong> for the guest SSID, then check that a phone on the guest network cannot reach the printer.</p><ul><li>Set a separate password</li><li>Limit bandwidth to ${n % 50} Mbit/s</li><li>Turn off <code>WPS</code></li></ul><pre><code class="language-bash">nmcli con modify guest-${n} 802-11-wireless.ap-isolation 1
nmcli con up guest-${n}
ping -c 1 192.168.1.${n % 250}</code></pre><table><thead><tr><th>network</th><th>vlan</th><th>mode</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const STYLE = `
body { margin: 0; font: 16px/1.6 system-ui, sans-serif; color: #111; background: #fff; }
#thread { max-width: 48rem; margin: 0 auto; padding: 1rem; }
section { padding: 0.75rem 0; border-bottom: 1px solid #eee; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.user-message-bubble-color { background: #f1f1f1; border-radius: 1rem; padding: 0.5rem 1rem; margin-left: 20%; }
.markdown p { margin: 0.5rem 0; }
.markdown pre { background: #0d0d0d; color: #eee; padding: 0.75rem; border-radius: 0.5rem; overflow-x: auto; font: 13px/1.4 monospace; }
.markdown table { border-collapse: collapse; margin: 0.5rem 0; }
.markdown th, .markdown td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; }
.markdown span { display: inline; }
[role="group"] button { margin-right: 0.25rem; font-size: 12px; }
`;

/**
 * The page's own renderer: streams `count` tokens into the last response, one DOM mutation per task
 * (a new paragraph every 50), and finishes it as ChatGPT does (stop button gone, class dropped, action
 * bar added). Plain ES5-ish text, so no bundler helper is needed in the page.
 */
const SCRIPT = `
window.streamAnswer = function (count) {
  return new Promise(function (resolve) {
    var responses = document.querySelectorAll('[data-turn="assistant"] .markdown');
    var markdown = responses[responses.length - 1];
    var paragraph = markdown.lastElementChild || markdown.appendChild(document.createElement('p'));
    var done = 0;
    function tick() {
      if (done % 50 === 49) {
        paragraph = document.createElement('p');
        markdown.append(paragraph);
      } else {
        var span = document.createElement('span');
        span.textContent = 'token' + done + ' ';
        paragraph.append(span);
      }
      done += 1;
      if (done < count) setTimeout(tick, 0);
      else resolve();
    }
    tick();
  });
};
window.finishAnswer = function () {
  var sections = document.querySelectorAll('section[data-turn="assistant"]');
  var turn = sections[sections.length - 1];
  var stop = document.querySelector('[data-testid="stop-button"]');
  if (stop) stop.remove();
  turn.querySelector('.markdown').classList.remove('result-streaming');
  var template = document.createElement('template');
  template.innerHTML = ${JSON.stringify(actionBar())};
  turn.querySelector('.z-0').append(template.content);
  return turn;
};
`;

/** `finished` finished question/answer pairs, then a question whose answer is still streaming. */
export function longChatPage(finished: number): string {
  const turns: string[] = [];
  for (let index = 0; index < finished; index++) {
    turns.push(userTurn(index * 2 + 1), assistantTurn(index * 2 + 2, true, answer(index * 2 + 2)));
  }
  turns.push(userTurn(finished * 2 + 1), assistantTurn(finished * 2 + 2, false, '<p></p>'));
  return `<!doctype html><html lang="en" class="light"><head><meta charset="utf-8"><title>Bench</title><style>${STYLE}</style></head><body><main id="main"><div id="thread"><div data-scroll-root><div id="turns" class="flex flex-col text-sm">${turns.join('')}</div></div><form><button data-testid="stop-button" aria-label="Stop streaming">Stop</button></form></div></main><script>${SCRIPT}</script></body></html>`;
}
