import { useEffect, useState } from 'preact/hooks';
import { signInFromLink, storedToken } from './auth.ts';
import { SignIn } from './components/sign-in.tsx';
import { PAGES } from './pages/index.ts';
import { routeHref, useRoute } from './router.ts';

/** The shell: sign-in when there is no token, else the menu and the page the route names. */
export function App() {
  const route = useRoute();
  const [signedIn, setSignedIn] = useState(() => storedToken() !== null);
  const [linkState, setLinkState] = useState<'checking' | 'done' | { error: string }>('checking');

  useEffect(() => {
    signInFromLink(PAGES.map((page) => page.id)).then(
      (result) => {
        if (result === 'signed-in') setSignedIn(true);
        setLinkState(typeof result === 'object' ? result : 'done');
      },
      (error: unknown) => setLinkState({ error: error instanceof Error ? error.message : String(error) }),
    );
    const onSignOut = () => setSignedIn(false);
    window.addEventListener('margin:signed-out', onSignOut);
    return () => window.removeEventListener('margin:signed-out', onSignOut);
  }, []);

  if (linkState === 'checking') return <p class="loading">Signing in…</p>;
  if (!signedIn) {
    return (
      <SignIn linkError={typeof linkState === 'object' ? linkState.error : null} onSignedIn={() => setSignedIn(true)} />
    );
  }

  const page = PAGES.find((candidate) => candidate.id === route.page) ?? PAGES[0];
  if (!page) return null;
  const Page = page.component;
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">Margin</span>
        <nav aria-label="Pages">
          {PAGES.filter((item) => !item.hidden).map((item) => (
            <a key={item.id} href={routeHref(item.id)} aria-current={item.id === page.id ? 'page' : undefined}>
              {item.title}
            </a>
          ))}
        </nav>
      </header>
      <main id="page" data-page={page.id}>
        <Page route={route} />
      </main>
    </div>
  );
}
