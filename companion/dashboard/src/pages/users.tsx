import { useEffect, useState } from 'preact/hooks';
import { type ListedUser, ROLES, type UserKind, type UserRole } from '../../../../shared/account.ts';
import { API } from '../../../../shared/api/index.ts';
import { api, errorText } from '../api.ts';
import { formatDate } from '../format.ts';
import type { PageProps } from '../page.ts';
import { routeHref } from '../router.ts';
import { useSession } from '../session.ts';
import './admin.css';
import { Notices } from '../components/notices.tsx';

/** A token just made (a new user or a rotation): shown here once, never again. */
interface FreshToken {
  name: string;
  token: string;
  why: 'added' | 'rotated';
}

const ROLE_HELP: Record<UserRole, string> = {
  admin: 'everything, including users and the audit log',
  annotator: 'syncs and edits their own annotations, answers reviews',
  viewer: 'reads the dashboard and exports',
};

/** A team server's users, for admins: the same as `margin user add|list|rotate|revoke` (docs/accounts.md). */
export function UsersPage(_props: PageProps) {
  const session = useSession();
  const [users, setUsers] = useState<ListedUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [fresh, setFresh] = useState<FreshToken | null>(null);

  const load = () =>
    api(API.users.list, {}).then(
      (answer) => setUsers(answer.users),
      (reason: unknown) => setError(errorText(reason)),
    );
  useEffect(() => {
    void load();
  }, []);

  const act = async (work: () => Promise<void>) => {
    setError(null);
    setNotice(null);
    try {
      await work();
    } catch (reason) {
      setError(errorText(reason));
    }
    await load();
  };

  const add = (name: string, role: UserRole, kind: UserKind) =>
    act(async () => {
      const created = await api(API.users.add, { body: { name, role, kind } });
      setFresh({ name: created.user.name, token: created.token, why: 'added' });
    });

  const rotate = (name: string) => {
    if (!window.confirm(`Give ${name} a new token? Every token ${name} has now stops working at once.`)) return;
    void act(async () => {
      const rotated = await api(API.users.rotate, { params: { name }, body: {} });
      setFresh({ name, token: rotated.token, why: 'rotated' });
    });
  };

  const revoke = (name: string) => {
    if (!window.confirm(`Revoke ${name}? Their tokens stop working at once; their annotations stay.`)) return;
    void act(async () => {
      await api(API.users.revoke, { params: { name }, body: {} });
      setFresh((shown) => (shown?.name === name ? null : shown));
      setNotice(`${name} is revoked: their tokens no longer work.`);
    });
  };

  // The list knows best once loaded: the first user added here makes this a team server.
  const team =
    users !== null
      ? users.some((user) => user.revokedAt === null)
      : session.state === 'ready'
        ? session.me.server.team
        : null;
  return (
    <div class="admin users">
      <Notices error={error} notice={notice} />
      {team === false && <PersonalServer />}
      {fresh && <TokenOnce fresh={fresh} onDone={() => setFresh(null)} />}
      <section aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        {users === null ? (
          !error && <p class="loading">Loading…</p>
        ) : users.length === 0 ? (
          <p class="muted">No users yet: this server has only its pairing token.</p>
        ) : (
          <UserTable
            users={users}
            self={session.state === 'ready' ? session.me.user.name : null}
            onRotate={rotate}
            onRevoke={revoke}
          />
        )}
        <p class="muted">
          A role cannot be changed in place: revoke the user and add them again under a new name (their annotations keep
          the old name). <a href={routeHref('audit')}>The audit log</a> shows who did what.
        </p>
      </section>
      <AddUser onAdd={add} />
    </div>
  );
}

function UserTable({
  users,
  self,
  onRotate,
  onRevoke,
}: {
  users: ListedUser[];
  self: string | null;
  onRotate: (name: string) => void;
  onRevoke: (name: string) => void;
}) {
  return (
    <table class="admin-table" aria-labelledby="users-heading">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
          <th scope="col">Kind</th>
          <th scope="col">Created</th>
          <th scope="col">Last activity</th>
          <th scope="col">Status</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.name} data-user={user.name} data-revoked={user.revokedAt !== null}>
            <th scope="row">
              {user.name}
              {user.name === self && <span class="muted"> (you)</span>}
            </th>
            <td>{user.role}</td>
            <td>{user.kind}</td>
            <td>{formatDate(user.createdAt)}</td>
            <td title="The last thing the audit log recorded them doing (pushes, edits, exports…); reading is not recorded.">
              {user.lastActiveAt ? formatDate(user.lastActiveAt) : <span class="muted">nothing recorded</span>}
            </td>
            <td data-status>{user.revokedAt ? `revoked ${formatDate(user.revokedAt)}` : 'active'}</td>
            <td class="row-actions">
              {user.revokedAt === null && (
                <>
                  <button type="button" onClick={() => onRotate(user.name)}>
                    New token
                  </button>{' '}
                  <button type="button" class="danger" onClick={() => onRevoke(user.name)}>
                    Revoke
                  </button>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The token, once, with a copy button and a warning that it cannot be shown again. */
function TokenOnce({ fresh, onDone }: { fresh: FreshToken; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(fresh.token).then(
      () => setCopied('Copied.'),
      () => setCopied('The browser did not let the page copy: select the token and copy it by hand.'),
    );
  return (
    <section class="token-once" aria-labelledby="token-once-heading" data-token-for={fresh.name}>
      <h2 id="token-once-heading">
        {fresh.why === 'added' ? `${fresh.name} is added` : `${fresh.name} has a new token`}: copy the token now
      </h2>
      <p class="warning">
        <strong>This token will not be shown again.</strong> The server keeps only its hash. Give it to {fresh.name}{' '}
        privately; they paste it with this server's address into the extension's options. If it is lost, make a new one.
      </p>
      <p>
        <code class="token" data-token>
          {fresh.token}
        </code>{' '}
        <button type="button" onClick={copy}>
          Copy token
        </button>{' '}
        {copied && <span role="status">{copied}</span>}
      </p>
      <button type="button" onClick={onDone}>
        Done, hide it
      </button>
    </section>
  );
}

function AddUser({ onAdd }: { onAdd: (name: string, role: UserRole, kind: UserKind) => Promise<void> }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<UserRole>('annotator');
  const [kind, setKind] = useState<UserKind>('human');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    await onAdd(name.trim(), role, kind);
    setBusy(false);
    setName('');
  };
  return (
    <section aria-labelledby="add-user-heading">
      <h2 id="add-user-heading">Add a user</h2>
      <form class="add-user" onSubmit={submit}>
        <label>
          Name{' '}
          <input
            name="name"
            required
            maxLength={64}
            pattern="[A-Za-z0-9][A-Za-z0-9._@\-]*"
            title="Letters, digits and . _ @ - only, starting with a letter or digit"
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </label>{' '}
        <label>
          Role{' '}
          <select name="role" value={role} onChange={(event) => setRole(event.currentTarget.value as UserRole)}>
            {ROLES.map((option) => (
              <option key={option} value={option}>
                {option}: {ROLE_HELP[option]}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Kind{' '}
          <select name="kind" value={kind} onChange={(event) => setKind(event.currentTarget.value as UserKind)}>
            <option value="human">a person</option>
            <option value="model">a model or pipeline</option>
          </select>
        </label>{' '}
        <button type="submit" class="primary" disabled={busy || name.trim() === ''}>
          Add user
        </button>
      </form>
    </section>
  );
}

/** On a personal server: what accounts are, and that adding the first user makes this a team server. */
function PersonalServer() {
  return (
    <section class="personal-server" aria-labelledby="personal-heading">
      <h2 id="personal-heading">This is a personal server</h2>
      <p>
        It has one token, the pairing token, and it acts as you (the admin <code>owner</code>). A team server adds
        users: each gets a name, a role and a personal token, and everything they do is recorded under their name.
      </p>
      <ol>
        <li>
          Add users here or with <code>margin user add alice --role annotator</code> (roles: admin, annotator, viewer).
          Each token is shown once.
        </li>
        <li>
          To serve other machines, start the companion with <code>margin serve --team --public-url https://…</code> (TLS
          or a proxy in front, a PostgreSQL database with <code>--database postgres://…</code> if several people push at
          once). The guide <a href={routeHref('docs', ['team'])}>Team server</a> says how.
        </li>
        <li>Each person pastes the server's address and their own token into the extension's options.</li>
      </ol>
      <p class="muted">Your pairing token keeps working as before; the first user you add makes this a team server.</p>
    </section>
  );
}
