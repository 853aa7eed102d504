import { useEffect, useState } from 'preact/hooks';
import { signInFromLink, storedToken } from './auth.ts';
import { SignIn } from './components/sign-in.tsx';
import { PAGES } from './pages/index.ts';
import { routeHref, useRoute } from './router.ts';
import { sessionMay, useSession } from './session.ts';

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

  return <Shell route={route} />;
}

/** The menu (the pages this user's role may open) and the page the route names. */
function Shell({ route }: { route: ReturnType<typeof useRoute> }) {
  const session = useSession();
  const page = PAGES.find((candidate) => candidate.id === route.page) ?? PAGES[0];
  if (!page) return null;
  const Page = page.component;
  const allowed = sessionMay(session, page.roles);
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">Margin</span>
        <nav aria-label="Pages">
          {PAGES.filter((item) => !item.hidden && sessionMay(session, item.roles)).map((item) => (
            <a key={item.id} href={routeHref(item.id)} aria-current={item.id === page.id ? 'page' : undefined}>
              {item.title}
            </a>
          ))}
        </nav>
        {session.state === 'ready' && (
          <span class="who muted" data-signed-in-as={session.me.user.name}>
            {session.me.user.name} · {session.me.user.role}
          </span>
        )}
      </header>
      <main id="page" data-page={page.id}>
        {allowed ? (
          <Page route={route} />
        ) : session.state === 'loading' ? (
          <p class="loading">Loading…</p>
        ) : (
          <RolesOnly roles={page.roles ?? []} title={page.title} session={session} />
        )}
      </main>
    </div>
  );
}

/** What a user whose role may not open a page reads there, instead of a page of failed requests. */
function RolesOnly({
  roles,
  title,
  session,
}: {
  roles: readonly string[];
  title: string;
  session: ReturnType<typeof useSession>;
}) {
  if (session.state === 'error') {
    return (
      <p role="alert" class="error">
        Could not tell who is signed in: {session.error}
      </p>
    );
  }
  const who = session.state === 'ready' ? session.me.user : null;
  const only = roles.length === 1 && roles[0] === 'admin' ? 'admins only' : `${roles.join(' and ')} only`;
  return (
    <section class="roles-only" data-roles-only={roles.join(' ')}>
      <h2>
        {title}: {only}
      </h2>
      <p>
        This page is for {roles.length === 1 && roles[0] === 'admin' ? 'admins' : roles.join(' and ')}
        {who ? (
          <>
            {' '}
            and you are signed in as <strong>{who.name}</strong>, {who.role === 'viewer' ? 'a' : 'an'}{' '}
            <span data-role>{who.role}</span>
          </>
        ) : null}
        . Ask an admin of this server if you need what it shows.
      </p>
    </section>
  );
}
