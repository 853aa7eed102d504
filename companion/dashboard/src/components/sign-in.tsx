import { useState } from 'preact/hooks';
import { signInWithToken } from '../auth.ts';

interface Props {
  linkError: string | null;
  onSignedIn(): void;
}

/** Shown without a token: how to get a sign-in link, or paste the token once. */
export function SignIn({ linkError, onSignedIn }: Props) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(linkError);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const result = await signInWithToken(token).catch((reason: unknown) => ({ error: String(reason) }));
    setBusy(false);
    if (result === true) onSignedIn();
    else setError(result.error);
  };

  return (
    <main class="sign-in">
      <h1>Margin</h1>
      <p>
        Run <code>margin dashboard</code> in a terminal: it prints a sign-in link for this page that works once, for two
        minutes.
      </p>
      <form onSubmit={submit}>
        <label>
          Or paste the pairing token (<code>margin token</code> prints it)
          <input
            type="password"
            name="token"
            autoComplete="off"
            spellcheck={false}
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </main>
  );
}
