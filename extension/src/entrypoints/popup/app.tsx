import { browser } from '#imports';

export function App() {
  return (
    <main>
      <h1>Margin</h1>
      <p>Version {browser.runtime.getManifest().version}</p>
    </main>
  );
}
