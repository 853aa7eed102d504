import { Window } from 'happy-dom';
import { describe, expect, it, vi } from 'vitest';
import { PageObserver } from '../../extension/src/annotate/page-observer.ts';

describe('page observer', () => {
  it('leaves the text of a streaming response out, and sees everything else', async () => {
    const window = new Window();
    const document = window.document;
    // PageObserver uses the global MutationObserver, as in a content script.
    vi.stubGlobal('MutationObserver', window.MutationObserver);
    document.body.innerHTML =
      '<main><div id="list"><section id="t1"><div class="text">a</div><div class="bar"></div></section><section id="t2"></section></div><form id="composer"><button id="stop"></button></form></main>';
    const records: MutationRecord[][] = [];
    const observer = new PageObserver(document.documentElement as unknown as Element, ['data-x'], (batch) =>
      records.push(batch),
    );
    observer.observeAll();
    const text = document.querySelector('.text') as unknown as Element;
    observer.exclude([text]);

    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    text.append(document.createElement('span') as unknown as Node);
    await settle();
    expect(records).toHaveLength(0);

    document.querySelector('.bar')?.append(document.createElement('button'));
    await settle();
    expect(records).toHaveLength(1);
    document.querySelector('#stop')?.remove();
    await settle();
    expect(records).toHaveLength(2);
    // A node added beside the path is covered as it arrives, subtree included.
    const added = document.createElement('section');
    document.querySelector('#list')?.append(added);
    await settle();
    added.append(document.createElement('p'));
    await settle();
    expect(records).toHaveLength(4);
    text.setAttribute('data-x', '1');
    await settle();
    expect(records).toHaveLength(5);

    observer.exclude([]);
    text.append(document.createElement('span') as unknown as Node);
    await settle();
    expect(records).toHaveLength(6);
    observer.disconnect();
    vi.unstubAllGlobals();
    await window.happyDOM.close();
  });
});
