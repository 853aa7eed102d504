/**
 * Scrolls the page from top to bottom a viewport at a time, as a person reading it would, then back to
 * where it was. The controls mount only when a response comes near the viewport, so a test counting
 * them on a page taller than a few screens first reads it through. (Playwright's or Puppeteer's page.)
 */
export async function readThrough(page: { evaluate(script: string): Promise<unknown> }): Promise<void> {
  await page.evaluate(`(async () => {
    const start = window.scrollY;
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 40)));
    for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
      window.scrollTo(0, y);
      await frame();
    }
    window.scrollTo(0, start);
    await frame();
  })()`);
}
